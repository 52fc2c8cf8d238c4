/**
 * The exhibit-packet request: which passages and documents make up each exhibit (one tab each), the case
 * caption for the cover page, the certificate of service, and what to return. Limits keep one request's
 * memory and time bounded; a request past them gets a problem naming the limit.
 */
import { z } from '@hono/zod-openapi';

export const LIMITS = {
  exhibits: 52,
  passagesPerExhibit: 300,
  documentsPerExhibit: 10,
  passages: 1000,
  documents: 40,
  /** Pages of the finished packet. */
  pages: 2500,
  /** Request body. */
  bodyBytes: 256 * 1024,
} as const;

const Id = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,511}$/, 'ids contain only letters, digits, "-" and "_"')
  .openapi({ example: 'us-dos-hrr_ni_2023_5Fa42tpwEHtM1_om' });

const DocumentId = Id.openapi({ example: 'us-dos-hrr_ni_2023' });

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a calendar date');

const Text = (max: number) => z.string().trim().min(1).max(max, `at most ${max} characters`);

export const ExhibitSpec = z
  .object({
    passages: z
      .array(Id)
      .max(LIMITS.passagesPerExhibit, `at most ${LIMITS.passagesPerExhibit} passages per exhibit`)
      .default([])
      .openapi({
        description:
          'Passages to cite and highlight. PDF reports contribute the original pages holding them; HTML and text reports a typeset rendering of the sections holding them.',
      }),
    documents: z
      .array(DocumentId)
      .max(LIMITS.documentsPerExhibit, `at most ${LIMITS.documentsPerExhibit} documents per exhibit`)
      .optional()
      .openapi({
        description:
          'Document ids (`<source>_<country>_<edition>`, as in /api/documents) to include whole; their cited passages are still highlighted.',
      }),
    title: Text(300).optional().openapi({ description: 'Title for the index; default: the report title.' }),
    claimElement: Text(200).optional().openapi({
      description: 'Element of the claim the exhibit supports (annotated index).',
      example: 'Nexus',
    }),
    summary: Text(600).optional().openapi({
      description: 'One-line summary for the annotated index; default: the first cited sentence.',
    }),
  })
  .refine((e) => e.passages.length > 0 || (e.documents?.length ?? 0) > 0, {
    message: 'an exhibit needs at least one passage or document',
  })
  .openapi('ExhibitSpec');
export type ExhibitSpec = z.infer<typeof ExhibitSpec>;

export const Caption = z
  .object({
    court: Text(200).optional().openapi({
      description: 'City and state of the immigration court.',
      example: 'San Francisco, California',
    }),
    respondent: Text(200).optional().openapi({ example: 'Jane Doe' }),
    aNumber: z
      .string()
      // No regex flag: the pattern goes into the OpenAPI document as it is, where flags cannot follow.
      .regex(/^[Aa]?[- ]?\d{3}[- ]?\d{3}[- ]?\d{2,3}$/, 'an A-number such as A012-345-678')
      .optional()
      .openapi({ example: 'A012-345-678' }),
    proceedings: Text(100).default('Removal Proceedings'),
    judge: Text(200).optional(),
    nextHearing: IsoDate.optional(),
    hearingType: Text(100).optional().openapi({ example: 'Individual Hearing' }),
    detained: z.boolean().optional(),
    title: Text(300)
      .default("Respondent's Submission of Country Conditions Evidence")
      .openapi({ description: 'Title of the filing on the cover page.' }),
    filer: z
      .object({
        name: Text(200),
        firm: Text(200).optional(),
        address: Text(400).optional().openapi({ description: 'Lines separated by newlines.' }),
        phone: Text(50).optional(),
        email: Text(200).optional(),
        eoirId: Text(20).optional(),
      })
      .optional(),
  })
  .openapi('Caption');
export type Caption = z.infer<typeof Caption>;

export const Service = z
  .object({
    date: IsoDate.optional().openapi({ description: 'Leave out to sign and date by hand.' }),
    servedOn: Text(300).default('DHS/ICE Office of the Principal Legal Advisor'),
    address: Text(400).optional(),
    method: z.enum(['ECAS electronic service', 'first-class mail', 'hand delivery', 'email']).optional(),
  })
  .openapi('Service');
export type Service = z.infer<typeof Service>;

export const PacketFormat = z.enum(['pdf', 'index-pdf', 'index-docx', 'index-md']);
export type PacketFormat = z.infer<typeof PacketFormat>;

export const ExhibitRequest = z
  .object({
    exhibits: z
      .array(ExhibitSpec)
      .min(1, 'an exhibit packet needs at least one exhibit')
      .max(LIMITS.exhibits, `at most ${LIMITS.exhibits} exhibits (tabs A–AZ) per packet`),
    caption: Caption.optional(),
    certificateOfService: z
      .union([z.boolean(), Service])
      .default(false)
      .openapi({ description: 'true, or the service details, to add a certificate of service.' }),
    format: PacketFormat.default('pdf').openapi({
      description:
        'pdf: the packet. index-pdf, index-docx, index-md: the annotated exhibit index (claim element → tab → pages → summary, with "Exh. C at 45" pin cites).',
    }),
  })
  .superRefine((request, ctx) => {
    const passages = request.exhibits.reduce((n, e) => n + e.passages.length, 0);
    if (passages > LIMITS.passages) {
      ctx.addIssue({
        code: 'custom',
        path: ['exhibits'],
        message: `${passages} passages; a packet holds at most ${LIMITS.passages}. Split it into several filings.`,
      });
    }
    const documents = request.exhibits.reduce((n, e) => n + (e.documents?.length ?? 0), 0);
    if (documents > LIMITS.documents) {
      ctx.addIssue({
        code: 'custom',
        path: ['exhibits'],
        message: `${documents} whole documents; a packet holds at most ${LIMITS.documents}.`,
      });
    }
  })
  .openapi('ExhibitRequest');
export type ExhibitRequest = z.infer<typeof ExhibitRequest>;

export const CitationFormat = z.enum(['text', 'csl-json', 'ris']);
