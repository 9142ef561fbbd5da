/** Linux with glibc: where the C library calls of system/native-memory.ts exist. */
export const LINUX_GLIBC =
  process.platform === 'linux' &&
  Boolean(
    (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header
      ?.glibcVersionRuntime,
  );
