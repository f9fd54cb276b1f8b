// The `contributes.configuration.properties` form of the settings schema, for the client's
// package.json (generated from or checked against this). Importing it has no side effects beyond
// loading the core's profile list for the platform enum.
import { z } from 'zod';
import { listProfiles } from '@dmalens/core';
import { RULES } from '../checks/rules';
import { CUSTOM_PLATFORM_ID, settingsFields } from './settings';

export type JsonSchema = Record<string, unknown>;

export function settingsJsonSchema(): Record<string, JsonSchema> {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, field] of Object.entries(settingsFields)) {
    const schema = z.toJSONSchema(field, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    delete schema['$schema'];
    properties[`dmalens.${key}`] = { ...schema, markdownDescription: field.description };
  }
  const platformIds = listProfiles().map((profile) => profile.id);
  properties['dmalens.platforms'] = {
    anyOf: [
      { type: 'string', enum: ['auto'], description: "Each file's own targets" },
      { type: 'array', items: platformIdSchema(platformIds), uniqueItems: true, minItems: 1 },
    ],
    default: 'auto',
    markdownDescription: settingsFields.platforms.description,
  };
  const rules = properties['dmalens.rules']!;
  rules['properties'] = Object.fromEntries(
    RULES.map((rule) => [
      rule.id,
      {
        type: 'string',
        enum: ['error', 'warning', 'information', 'hint', 'off'],
        default: rule.defaultSeverity,
        description: rule.title,
      },
    ]),
  );
  const overrides = properties['dmalens.overrides']!;
  overrides['propertyNames'] = platformIdSchema(platformIds);
  return properties;
}

/** A built-in id (offered for completion) or the id of a custom platform (dmalens.customPlatforms). */
function platformIdSchema(platformIds: readonly string[]): JsonSchema {
  return {
    type: 'string',
    anyOf: [{ enum: [...platformIds] }, { pattern: CUSTOM_PLATFORM_ID.source }],
  };
}
