/**
 * The stable codes of the paper's typology (Cisel 2017, Table 1).
 * They are the contract: schemas, events, storage and statistics use them;
 * people see translated labels (see src/i18n).
 */

/** Known outside the MOOC (PCHM). */
export const PCHM_RELATIONSHIPS = ['family', 'friend', 'colleague', 'classmate'] as const;
/** Known in a MOOC (PCDM). */
export const PCDM_RELATIONSHIPS = ['earlier-mooc', 'this-mooc'] as const;
export const RELATIONSHIPS = [...PCHM_RELATIONSHIPS, ...PCDM_RELATIONSHIPS] as const;

export const OBJECTS = [
  'collective-activities',
  'individual-activities',
  'watch-videos',
  'discuss',
  'mutual-help',
  'encouragement',
] as const;

export const MODALITIES = [
  'in-person-pair',
  'in-person-group',
  'social-network',
  'synchronous',
  'email',
  'shared-documents',
] as const;

export type Relationship = (typeof RELATIONSHIPS)[number];
export type PchmRelationship = (typeof PCHM_RELATIONSHIPS)[number];
export type ObjectCode = (typeof OBJECTS)[number];
export type Modality = (typeof MODALITIES)[number];

/** Modalities that mean meeting in person (a course may switch them off). */
export const IN_PERSON_MODALITIES: readonly Modality[] = ['in-person-pair', 'in-person-group'];

export function isPchm(relationship: Relationship): relationship is PchmRelationship {
  return (PCHM_RELATIONSHIPS as readonly string[]).includes(relationship);
}
