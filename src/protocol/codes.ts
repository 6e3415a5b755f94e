import * as z from 'zod/mini';
import { MODALITIES, OBJECTS, PCHM_RELATIONSHIPS, RELATIONSHIPS } from '../core/typology.js';

/** The code table is the contract: these are the only values schemas accept. */
export const Relationship = z.enum(RELATIONSHIPS);
export const PchmRelationship = z.enum(PCHM_RELATIONSHIPS);
export const ObjectCode = z.enum(OBJECTS);
export const Modality = z.enum(MODALITIES);

function uniqueNonEmpty<T extends z.ZodMiniType<string>>(item: T) {
  return z.array(item).check(
    z.minLength(1),
    z.refine((list: readonly string[]) => new Set(list).size === list.length, { message: 'duplicate code' }),
  );
}

export const ObjectList = uniqueNonEmpty(ObjectCode);
export const ModalityList = uniqueNonEmpty(Modality);

/** A course id as platforms write them (Open edX `course-v1:Org+Num+Run`, Moodle numbers, slugs). */
export const CourseId = z.string().check(z.minLength(1), z.maxLength(200), z.regex(/^[^\s<>"'`]+$/));
/** A learner's pseudonymous id, the token's `sub`. */
export const LearnerId = z.string().check(z.minLength(1), z.maxLength(200));
export const DisplayName = z.string().check(z.minLength(1), z.maxLength(120));
export const Uuid = z.uuid();
export const IsoTime = z.iso.datetime();
/** An invite code: 24 base64url characters (144 random bits). */
export const InviteCode = z.string().check(z.regex(/^[A-Za-z0-9_-]{24}$/));
export const ContactNote = z.string().check(z.maxLength(200));
