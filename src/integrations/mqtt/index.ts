import { defineService } from '../../catalog/define.ts';
import { publishAction } from './actions/publish.ts';
import { mqttAuth } from './auth.ts';
import { messageTrigger } from './triggers/message.ts';

export const mqttService = defineService({
  key: 'mqtt',
  name: 'MQTT',
  description: 'Run workflows on messages from an MQTT broker and publish to its topics.',
  icon: 'radio',
  category: 'iot',
  docsUrl: 'https://mqtt.org/',
  auth: mqttAuth,
  triggers: [messageTrigger],
  actions: [publishAction],
  templates: [
    {
      name: 'Broker account',
      description:
        'A user of its own for Area on the broker, allowed to read and write the topics the workflows use.',
      setupGuide:
        'Mosquitto: mosquitto_passwd -c /etc/mosquitto/passwd area, then allow its topics in the ACL file. Use mqtts:// when the broker is reached over the internet.',
    },
  ],
});
