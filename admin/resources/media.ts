import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import uploadFeature from '@adminjs/upload';
import {
  buildFeature,
  flat,
  type ActionResponse,
  type After,
  type Before,
  type FlattenValue,
  type RecordActionResponse,
  type ComponentLoader,
  type UploadedFile,
} from 'adminjs';
import type pg from 'pg';
import { z } from 'zod';
import { ImageRejected, prepareImage, type PreparedImage } from '../../src/media/image-upload.js';
import type { MediaStorage } from '../../src/media/storage.js';
import { MediaUploadProvider, PreparedUploads } from '../media-upload.js';
import { moveAction } from './catalog.js';
import { asValidationError, isProductId, NAVIGATION, onlyOnShow, prismaResource, productPartForm, type ResourceKit } from './shared.js';

const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif'];

const imageRules = z.object({
  alt: z.string().trim().min(1, 'describe the image for shoppers who cannot see it').max(300, 'at most 300 characters'),
  position: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.coerce.number().int('a whole number').min(0, '0 or more').optional()),
});

type Issue = z.core.$ZodIssue;
const issue = (field: string, message: string): Issue => ({ code: 'custom', path: [field], message, input: undefined });

const isUpload = (value: unknown): value is UploadedFile => typeof value === 'object' && value !== null && typeof (value as UploadedFile).path === 'string';

/**
 * Reads the uploaded file into memory and removes formidable's temporary copy at once, so a
 * refused (or accepted) upload leaves nothing on the instance's disk; then checks and sizes it.
 */
async function checkedImage(file: UploadedFile, maxBytes: number): Promise<{ image: PreparedImage } | { refused: Issue }> {
  try {
    return { image: await prepareImage(await readFile(file.path), maxBytes) };
  } catch (err) {
    if (err instanceof ImageRejected) return { refused: issue('file', err.message) };
    throw err;
  } finally {
    await rm(file.path, { force: true });
  }
}

/**
 * A new image needs its product, a file and an alt text; an edit may replace the file. Every
 * finding is a message on its field, and nothing is stored: the row is written only after this
 * passes, the sizes only after the row. The browser's claimed type is replaced by the type read
 * from the bytes, which is what @adminjs/upload then records.
 */
function imageChecks(pool: pg.Pool, prepared: PreparedUploads, maxBytes: number): Before {
  return async (request, context) => {
    if (request.method !== 'post') return request;
    const { creating, merged, productId } = productPartForm(request, context);
    const variantId = merged.variant === '' || merged.variant === undefined ? null : merged.variant;
    // the panel's file picker sends a list (`file.0`), even of one
    const sent = flat.get(request.payload ?? {}, 'file') as UploadedFile | UploadedFile[] | null | undefined;
    const file = Array.isArray(sent) ? sent[0] : sent;
    const issues: Issue[] = [];

    const fields = imageRules.safeParse({ alt: merged.alt, position: merged.position });
    if (!fields.success) issues.push(...fields.error.issues);
    if (!isProductId(productId)) issues.push(issue('product', 'Choose the product this image shows'));
    else if (variantId !== null && !(await variantOf(pool, productId, variantId)))
      issues.push(issue('variant', 'Choose one of this product’s variants, or none'));
    if (creating && !isUpload(file)) issues.push(issue('file', 'Choose an image file (JPEG, PNG, WebP or AVIF)'));
    if (!creating && file === null) issues.push(issue('file', 'An image needs its file: choose another one, or delete the image'));
    const checked = isUpload(file) ? await checkedImage(file, maxBytes) : undefined;
    if (checked && 'refused' in checked) issues.push(checked.refused);
    if (issues.length || !fields.success) throw refusal(issues);

    const payload: Record<string, FlattenValue> = { ...request.payload, alt: fields.data.alt, variant: variantId as string | null };
    if (creating) payload.position = fields.data.position ?? (await nextPosition(pool, productId as string));
    else if (fields.data.position !== undefined) payload.position = fields.data.position;
    if (checked && 'image' in checked && isUpload(file)) {
      prepared.keep(file, checked.image);
      Object.assign(payload, { width: checked.image.width, height: checked.image.height, byteSize: checked.image.byteSize });
      // the file as the upload feature will record it: with the type its bytes are
      return { ...request, payload: flat.set(flat.filterOutParams(payload, 'file'), 'file', [{ ...file, type: checked.image.mimeType }]) };
    }
    return { ...request, payload };
  };
}

/** The findings as field errors; @adminjs/upload's drop zone shows none, so the notice also says what is wrong with the file. */
function refusal(issues: Issue[]) {
  const error = asValidationError(issues);
  const file = error.propertyErrors.file;
  if (file && error.baseError) error.baseError.message = `${error.baseError.message}. File: ${file.message}`;
  return error;
}

/** A product's images, in order: where staff land after adding or deleting one. */
const imagesOf = (productId: string) => `/admin/resources/ProductImage?filters.product=${productId}&sortBy=position&direction=asc`;
const toProductImages: After<ActionResponse> = async (response) => {
  const { notice, record } = response as RecordActionResponse;
  const productId = record?.params?.product;
  if (notice?.type !== 'error' && Object.keys(record?.errors ?? {}).length === 0 && typeof productId === 'string') response.redirectUrl = imagesOf(productId);
  return response;
};

async function variantOf(pool: pg.Pool, productId: string, variantId: unknown): Promise<boolean> {
  if (typeof variantId !== 'string' || !z.uuid().safeParse(variantId).success) return false;
  const { rowCount } = await pool.query('SELECT 1 FROM product_variants WHERE id = $1 AND product_id = $2', [variantId, productId]);
  return rowCount === 1;
}

/** A new image goes after the product's others (two uploaded at the same moment may share a place: then the older comes first). */
async function nextPosition(pool: pg.Pool, productId: string): Promise<number> {
  const { rows } = await pool.query<{ next: number }>('SELECT coalesce(max(position) + 1, 0)::int AS next FROM product_images WHERE product_id = $1', [
    productId,
  ]);
  return rows[0].next;
}

/**
 * Product images, uploaded with @adminjs/upload: each upload is checked by its bytes, sized once
 * (src/media/image-upload.ts) and stored in the media storage under a new key (a replaced file
 * gets a new key, so every URL stays immutable). The first image in order is the product's main
 * image; the arrows move one up or down.
 */
export function mediaResources(kit: ResourceKit, pool: pg.Pool, storage: MediaStorage, loader: ComponentLoader, maxBytes: number) {
  const prepared = new PreparedUploads();
  const checks = imageChecks(pool, prepared, maxBytes);
  const resource = prismaResource(kit, 'ProductImage', {
    navigation: NAVIGATION.catalog,
    properties: {
      id: { isVisible: onlyOnShow },
      alt: { isTitle: true, description: 'What the image shows, for shoppers using a screen reader (at most 300 characters)' },
      position: { isRequired: false, description: 'Order among the product’s images (0 first; empty: after the others). The first is the main image.' },
      variant: { description: 'Optional: the variant this image shows (e.g. the red one)' },
      mediaKey: { isVisible: onlyOnShow },
      mimeType: { isVisible: onlyOnShow },
      byteSize: { isVisible: onlyOnShow },
      fileName: { isVisible: onlyOnShow },
      width: { isVisible: onlyOnShow },
      height: { isVisible: onlyOnShow },
    },
    listProperties: ['file', 'product', 'alt', 'variant', 'position', 'createdAt'],
    filterProperties: ['product', 'variant', 'alt', 'createdAt'],
    showProperties: ['file', 'product', 'variant', 'alt', 'position', 'mimeType', 'width', 'height', 'byteSize', 'fileName', 'mediaKey', 'createdAt', 'id'],
    sort: { sortBy: 'position', direction: 'asc' },
    actions: {
      new: { layout: ['product', 'variant', 'file', 'alt', 'position'], after: toProductImages },
      edit: { layout: ['variant', 'file', 'alt', 'position'], after: toProductImages },
      delete: { after: toProductImages },
      move: moveAction(pool, 'product_images'),
    },
  });
  return [
    {
      ...resource,
      // AdminJS runs features' hooks before the resource's own, in the features' order: the
      // checks come first, while the file is still in the payload (the upload feature takes it out)
      features: [
        buildFeature({ actions: { new: { before: checks }, edit: { before: checks } } }),
        uploadFeature({
          componentLoader: loader,
          provider: new MediaUploadProvider(storage, prepared),
          // (its size property would write the byte count as text, which the Int column refuses: the checks set byteSize)
          properties: { key: 'mediaKey', mimeType: 'mimeType', filename: 'fileName', file: 'file' },
          uploadPath: () => randomUUID(),
          // what the file picker offers; the bytes are checked on the server whatever it offered
          validation: { mimeTypes: ACCEPTED_TYPES, maxSize: maxBytes },
        }),
      ],
    },
  ];
}
