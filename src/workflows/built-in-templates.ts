import type { WorkflowDefinitionInput } from './definition.ts';
import { eventGallery } from './gallery-events.ts';
import { scheduledGallery } from './gallery-scheduled.ts';

/** A gallery entry shipped with Area, written to workflow_templates at start (by slug). */
export interface BuiltInTemplate {
  slug: string;
  category: 'monitoring' | 'notifications' | 'integration' | 'reporting' | 'productivity';
  difficulty: 'beginner' | 'intermediate' | 'advanced';
  featured?: boolean;
  definition: WorkflowDefinitionInput;
}

/** The core gallery: templates that need only the core services. */
export const BUILT_IN_TEMPLATES: readonly BuiltInTemplate[] = [...scheduledGallery, ...eventGallery];
