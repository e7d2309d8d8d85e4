// The small sync API every OmniRoute serves (GET/PUT /api/sync/state): its wire shapes, shared by the cloud and its devices.
import { z } from "zod";

/** Documents per pull page and per push. */
export const MAX_DOCUMENTS_PER_CALL = 200;
/** One document's ciphertext (a connection with OAuth tokens is a few KB). */
export const MAX_CIPHERTEXT_CHARS = 256 * 1024;

const space = z.string().regex(/^[\w.-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'");
const documentId = z.string().regex(/^[\w-]{16,128}$/, "must be 16-128 base64url characters");
const kind = z.string().regex(/^[a-z][a-z-]{0,31}$/, "must be a lowercase word");

export const PullQuerySchema = z.object({
  space: space.default("default"),
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_DOCUMENTS_PER_CALL).default(MAX_DOCUMENTS_PER_CALL),
});

/** A document as the cloud keeps it: it never knows what is inside. */
export const StoredDocumentSchema = z.object({
  id: documentId,
  kind,
  rev: z.number().int().min(1),
  updatedAt: z.number().int().min(0),
  deleted: z.boolean(),
  ciphertext: z.string().max(MAX_CIPHERTEXT_CHARS),
});
export type StoredDocument = z.infer<typeof StoredDocumentSchema>;

export const PullResponseSchema = z.object({
  space: z.string(),
  /** The space's latest rev; lower than a device's last pulled rev means the cloud lost its copy. */
  rev: z.number().int().min(0),
  documents: z.array(StoredDocumentSchema),
  /** More documents follow: pull again with since = the last document's rev. */
  more: z.boolean(),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;

/** The ciphertext format devices write now (src/sync/crypto.ts); `s1` documents came from OmniRoute before issue 14. */
export const DOCUMENT_FORMAT = "s2";

/** A device asks for its space's salt (created on first use) before it derives its keys. */
export const SpaceRequestSchema = z.object({ space: space.default("default") }).strict();
export const SpaceResponseSchema = z.object({ space: z.string(), salt: z.string().min(16) });
export type SpaceResponse = z.infer<typeof SpaceResponseSchema>;

export const PushDocumentSchema = z
  .object({
    id: documentId,
    kind,
    /** The rev the device last saw for this id (0: new). The write is refused when the cloud holds another. */
    baseRev: z.number().int().min(0),
    updatedAt: z.number().int().min(0),
    deleted: z.boolean().default(false),
    ciphertext: z
      .string()
      .min(1)
      .max(MAX_CIPHERTEXT_CHARS)
      .refine(
        (c) => c.startsWith(`${DOCUMENT_FORMAT}.`),
        `must be in the ${DOCUMENT_FORMAT} format: this device runs an OmniRoute older than its cloud; upgrade it`,
      ),
  })
  .strict();
export type PushDocument = z.infer<typeof PushDocumentSchema>;

export const PushRequestSchema = z
  .object({
    space: space.default("default"),
    documents: z.array(PushDocumentSchema).max(MAX_DOCUMENTS_PER_CALL),
  })
  .strict();

export const PushResponseSchema = z.object({
  rev: z.number().int().min(0),
  accepted: z.array(z.object({ id: z.string(), rev: z.number().int() })),
  /** Written meanwhile by another device: pull, resolve, push again. `rev` is the cloud's current one. */
  rejected: z.array(z.object({ id: z.string(), rev: z.number().int() })),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;
