-- Product images (issue 16). Staff upload them in the panel, each upload's sizes are stored in
-- the media storage (src/media/) under its key, by default in media_objects below. The first
-- image in (position, created_at, id) order is the product's main image.
CREATE TABLE "product_images" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "product_id" UUID NOT NULL,
    "variant_id" UUID,
    "position" INTEGER NOT NULL DEFAULT 0,
    "alt" TEXT NOT NULL,
    "media_key" TEXT,
    "mime_type" TEXT,
    "byte_size" INTEGER,
    "file_name" TEXT,
    "width" INTEGER,
    "height" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_images_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "product_images" ADD CONSTRAINT "product_images_alt_length" CHECK (length("alt") BETWEEN 1 AND 300);
ALTER TABLE "product_images" ADD CONSTRAINT "product_images_position_range" CHECK ("position" >= 0);
ALTER TABLE "product_images" ADD CONSTRAINT "product_images_mime_type_accepted"
  CHECK ("mime_type" IS NULL OR "mime_type" IN ('image/jpeg', 'image/png', 'image/webp', 'image/avif'));

-- Every size of every upload, for the default storage. A key names one upload forever, so its
-- bytes never change: the route answers them as immutable.
CREATE TABLE "media_objects" (
    "key" TEXT NOT NULL,
    "size" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "etag" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "media_objects_pkey" PRIMARY KEY ("key","size")
);
-- The sizes are WebP, compressed already: TOAST's compression would only cost time on every
-- write and every read (EXTERNAL still moves large values out of line, uncompressed).
ALTER TABLE "media_objects" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;

-- CreateIndex
CREATE UNIQUE INDEX "product_images_media_key_key" ON "product_images"("media_key");

-- CreateIndex
CREATE INDEX "product_images_product_id_position_created_at_id_idx" ON "product_images"("product_id", "position", "created_at", "id");

-- CreateIndex
CREATE INDEX "product_images_variant_id_idx" ON "product_images"("variant_id");

-- AddForeignKey
ALTER TABLE "product_images" ADD CONSTRAINT "product_images_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "product_images" ADD CONSTRAINT "product_images_variant_id_fkey" FOREIGN KEY ("variant_id") REFERENCES "product_variants"("id") ON DELETE SET NULL ON UPDATE CASCADE;
