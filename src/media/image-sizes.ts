/**
 * The sizes a storefront shows, made once at upload: the longest side at most this many pixels
 * (never enlarged, aspect ratio kept). thumbnail: cart lines and swatches; card: the listing
 * grid; full: the product page and zoom.
 */
export const IMAGE_SIZES = { thumbnail: 200, card: 600, full: 1600 } as const;

export type ImageSize = keyof typeof IMAGE_SIZES;
export const IMAGE_SIZE_NAMES = Object.keys(IMAGE_SIZES) as ImageSize[];

/** Where a browser fetches each size of one upload. */
export type ImageUrls = Record<ImageSize, string>;
