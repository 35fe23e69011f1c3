import sharp from 'sharp';

export type SampleFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' | 'tiff';

/** A real image file of one solid colour, made by sharp (as a camera or an editor would save it). */
export function sampleImage(format: SampleFormat, options: { width?: number; height?: number; colour?: string } = {}): Promise<Buffer> {
  const { width = 800, height = 600, colour = '#c0392b' } = options;
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .toFormat(format)
    .toBuffer();
}

export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>');
export const HTML_AFTER_IMAGE = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');

/** A file that is a valid image and also something else: here an HTML page after the PNG's end. */
export async function polyglotPng(): Promise<Buffer> {
  return Buffer.concat([await sampleImage('png', { width: 20, height: 20 }), HTML_AFTER_IMAGE]);
}

/** JPEG's first bytes, then a script: passes a check by magic number alone. */
export const FAKE_JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), HTML_AFTER_IMAGE]);
