import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { IMAGE_SIZE_NAMES, IMAGE_SIZES, type ImageSize } from './image-sizes.js';

/** The uploads the shop accepts, by the type read from their bytes, with sharp's name of each format. */
const ACCEPTED = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'heif', // libvips reads AVIF through libheif (compression av1)
} as const;
export type AcceptedMimeType = keyof typeof ACCEPTED;

/** Decompression bombs: a small file that would decode to gigabytes of pixels is refused before decoding. */
const MAX_INPUT_PIXELS = 50_000_000;

export type ImageRejection = 'too_large' | 'unsupported_type' | 'unreadable' | 'trailing_data' | 'too_many_pixels';

/** An upload the shop refuses, with a message staff can act on. */
export class ImageRejected extends Error {
  constructor(
    readonly reason: ImageRejection,
    message: string,
  ) {
    super(message);
  }
}

/** One stored size of an upload. */
export type Rendition = { size: ImageSize; contentType: string; bytes: Buffer; etag: string; width: number; height: number };

/** An accepted upload: what its bytes are, and every size, made once. */
export type PreparedImage = { mimeType: AcceptedMimeType; width: number; height: number; byteSize: number; renditions: Rendition[] };

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1).replace(/\.0$/, '')} MB`;

/**
 * Checks an upload by its bytes (never by its name or the type the browser claims) and makes
 * every size as WebP. Re-encoding is also the defence in depth: what is served is pixels sharp
 * wrote, never the uploaded bytes. Throws ImageRejected for anything but a whole JPEG, PNG, WebP
 * or AVIF image within the limits.
 */
export async function prepareImage(bytes: Buffer, maxBytes: number): Promise<PreparedImage> {
  if (bytes.length > maxBytes) throw new ImageRejected('too_large', `The file is ${megabytes(bytes.length)}; the limit is ${megabytes(maxBytes)}`);
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !(detected.mime in ACCEPTED)) {
    const found = detected ? `a ${detected.ext.toUpperCase()} file` : 'not an image this shop can read (SVG and text are refused)';
    throw new ImageRejected('unsupported_type', `Upload a JPEG, PNG, WebP or AVIF image; this is ${found}`);
  }
  const mimeType = detected.mime as AcceptedMimeType;
  // A polyglot (an image with an HTML page or an archive after its end) passes a type check
  // by its first bytes; nothing after the image's own end is accepted.
  if (imageEnd(bytes, mimeType) !== bytes.length)
    throw new ImageRejected('trailing_data', 'The file has data after the end of the image (it may be two files in one); export the image again');
  const metadata = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => undefined);
  if (!metadata?.width || !metadata.height || metadata.format !== ACCEPTED[mimeType])
    throw new ImageRejected('unreadable', 'The image cannot be read (damaged or incomplete); export it again');
  if (metadata.width * metadata.height > MAX_INPUT_PIXELS)
    throw new ImageRejected('too_many_pixels', `The image is ${metadata.width}×${metadata.height} pixels; at most 50 megapixels are accepted`);
  const renditions = await Promise.all(IMAGE_SIZE_NAMES.map((size) => rendition(bytes, size))).catch((err: unknown) => {
    if (err instanceof ImageRejected) throw err;
    throw new ImageRejected('unreadable', 'The image cannot be read (damaged or incomplete); export it again');
  });
  // EXIF orientation 5-8 means the pixels are stored turned a quarter: its upright size is swapped
  const turned = (metadata.orientation ?? 1) >= 5;
  return {
    mimeType,
    width: turned ? metadata.height : metadata.width,
    height: turned ? metadata.width : metadata.height,
    byteSize: bytes.length,
    renditions,
  };
}

async function rendition(bytes: Buffer, size: ImageSize): Promise<Rendition> {
  const longest = IMAGE_SIZES[size];
  // failOn 'error': a truncated or corrupt image is refused, not served half grey
  const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
    .rotate() // upright by its EXIF orientation; metadata (EXIF, GPS) is not copied into the output
    .resize({ width: longest, height: longest, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer({ resolveWithObject: true });
  return { size, contentType: 'image/webp', bytes: data, etag: createHash('sha256').update(data).digest('base64url'), width: info.width, height: info.height };
}

/** Where the image's own structure ends, or -1 when the structure is broken. */
export function imageEnd(bytes: Buffer, mimeType: AcceptedMimeType): number {
  switch (mimeType) {
    case 'image/png':
      return pngEnd(bytes);
    case 'image/jpeg':
      return jpegEnd(bytes);
    case 'image/webp':
      // RIFF: the chunk size after "RIFF" counts the rest of the file (padded to even)
      return bytes.length >= 12 ? 8 + bytes.readUInt32LE(4) + (bytes.readUInt32LE(4) % 2) : -1;
    case 'image/avif':
      return isoBoxesEnd(bytes);
  }
}

/** PNG: chunks (length, type, data, CRC) after the 8-byte signature, up to IEND. */
function pngEnd(bytes: Buffer): number {
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    at += 12 + length;
    if (type === 'IEND') return at;
  }
  return -1;
}

/**
 * JPEG: marker segments (each with its length) up to a scan; a scan's entropy-coded data runs
 * to the next marker that is neither a stuffed 0xFF00 nor a restart marker; EOI ends the image.
 */
function jpegEnd(bytes: Buffer): number {
  let at = 2; // after SOI
  while (at + 2 <= bytes.length) {
    if (bytes[at] !== 0xff) return -1;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) return at + 2; // EOI
    if (at + 4 > bytes.length) return -1;
    const length = bytes.readUInt16BE(at + 2);
    at += 2 + length;
    if (marker === 0xda) {
      while (at + 1 < bytes.length && !(bytes[at] === 0xff && bytes[at + 1] !== 0x00 && (bytes[at + 1] < 0xd0 || bytes[at + 1] > 0xd7))) at += 1;
    }
  }
  return -1;
}

/** AVIF (ISO BMFF): top-level boxes, each with its 32-bit size (1: a 64-bit size follows; 0: to the end). */
function isoBoxesEnd(bytes: Buffer): number {
  let at = 0;
  while (at + 8 <= bytes.length) {
    const size = bytes.readUInt32BE(at);
    if (size === 0) return bytes.length;
    const boxSize = size === 1 ? (at + 16 <= bytes.length ? Number(bytes.readBigUInt64BE(at + 8)) : -1) : size;
    if (boxSize < 8) return -1;
    at += boxSize;
  }
  return at;
}
