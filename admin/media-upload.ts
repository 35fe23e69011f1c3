import { BaseProvider } from '@adminjs/upload';
import type { UploadedFile } from 'adminjs';
import type { PreparedImage } from '../src/media/image-upload.js';
import type { MediaStorage } from '../src/media/storage.js';

/**
 * The images the panel checked and sized before saving their row (resources/media.ts), by the
 * uploaded file: @adminjs/upload hands the provider the same file object after the save.
 */
export class PreparedUploads {
  private readonly images = new WeakMap<UploadedFile, PreparedImage>();

  keep(file: UploadedFile, image: PreparedImage): void {
    this.images.set(file, image);
  }

  take(file: UploadedFile): PreparedImage {
    const image = this.images.get(file);
    if (!image) throw new Error('an image reached the media storage without being checked first');
    this.images.delete(file);
    return image;
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
