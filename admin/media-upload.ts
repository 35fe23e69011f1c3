import { BaseProvider } from '@adminjs/upload';
import type { UploadedFile } from 'adminjs';
import type { PreparedImage } from '../src/media/image-upload.js';
import type { MediaStorage } from '../src/media/storage.js';

/** An image whose row was never saved (the save failed after the checks) is forgotten after this long. */
const KEPT_MS = 10 * 60_000;

/**
 * The images the panel checked and sized before saving their row (resources/media.ts), until
 * @adminjs/upload hands the provider the file after the save: by the file's temporary path,
 * unique per upload (AdminJS copies the payload between hooks, so not by the object).
 */
export class PreparedUploads {
  private readonly images = new Map<string, { image: PreparedImage; at: number }>();

  keep(file: UploadedFile, image: PreparedImage): void {
    const now = Date.now();
    for (const [path, kept] of this.images) if (now - kept.at > KEPT_MS) this.images.delete(path);
    this.images.set(file.path, { image, at: now });
  }

  take(file: UploadedFile): PreparedImage {
    const kept = this.images.get(file.path);
    if (!kept) throw new Error('an image reached the media storage without being checked first');
    this.images.delete(file.path);
    return kept.image;
  }
}

/**
 * @adminjs/upload's provider over the shop's media storage (PostgreSQL or S3, src/media/): its
 * own providers write one file to one place (a local disk, a bucket), where the shop stores
 * several sizes made from the upload, in storage every instance shares.
 */
export class MediaUploadProvider extends BaseProvider {
  constructor(
    private readonly storage: MediaStorage,
    private readonly prepared: PreparedUploads,
  ) {
    super('media');
  }

  async upload(file: UploadedFile, key: string): Promise<void> {
    await this.storage.save(key, this.prepared.take(file).renditions);
  }

  async delete(key: string): Promise<void> {
    await this.storage.remove(key);
  }

  /** what the panel's list and show pages display */
  path(key: string): string {
    return this.storage.urlsOf(key).thumbnail;
  }
}
