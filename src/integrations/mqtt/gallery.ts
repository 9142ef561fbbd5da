import type { BuiltInTemplate } from '../../workflows/built-in-templates.ts';

/** Gallery workflows that start from MQTT. */
export const mqttGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'mqtt-temperature-alert-telegram',
    category: 'monitoring',
    difficulty: 'intermediate',
    definition: {
      name: 'Too hot? Telegram alert from an MQTT sensor',
      description: 'Reads temperature messages from MQTT and sends a Telegram alert above 30 °C.',
      tags: ['mqtt', 'telegram', 'iot'],
      trigger: {
        key: 'reading',
        service: 'mqtt',
        component: 'message',
        config: { topic: 'sensors/+/temperature' },
      },
      nodes: [
        {
          key: 'too_hot',
          type: 'filter',
          service: 'logic',
          component: 'filter',
          config: {
            conditions: [{ left: '{{ trigger.json.celsius }}', operator: 'greater_than', right: 30 }],
          },
        },
        {
          key: 'alert',
          service: 'telegram',
          component: 'send_message',
          config: { chatId: '123456789', text: '🌡️ {{ trigger.topic }}: {{ trigger.json.celsius }} °C' },
        },
      ],
      edges: [
        { from: 'reading', to: 'too_hot' },
        { from: 'too_hot', to: 'alert' },
      ],
    },
  },
];
