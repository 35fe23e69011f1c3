// The storefront's product images: the main image on listing items, every image on the product's
// page (in order, with their variant), image URLs per size, and the older imageUrl fields.
import { listProducts } from '../../src/catalog/products.js';
import { productListQuery } from '../../src/catalog/schemas.js';
import { postgresStorage } from '../../src/media/postgres-storage.js';
import { useTestShop, uniqueId } from '../helpers/test-app.js';
import { createCategory, createProduct, createProductWithVariants } from '../helpers/fixtures.js';
import { addProductImage } from '../helpers/image-fixtures.js';

const shop = useTestShop();
const storage = () => postgresStorage(shop.db.pool, shop.config.PUBLIC_BASE_URL);
const urlsOf = (key: string) => ({
  thumbnail: `${shop.config.PUBLIC_BASE_URL}/media/${key}/thumbnail`,
  card: `${shop.config.PUBLIC_BASE_URL}/media/${key}/card`,
  full: `${shop.config.PUBLIC_BASE_URL}/media/${key}/full`,
});

describe('GET /api/products', () => {
  test('when products have images, then each item carries its first image in order as mainImage, and imageUrl is its card size', async () => {
    const category = await createCategory(shop.db.pool);
    const withImages = await createProduct(shop.db.pool, { categoryId: category.id, title: 'A with images' });
    const second = await addProductImage(shop.db.pool, storage(), withImages.id, { alt: 'Side view', position: 1 });
    const first = await addProductImage(shop.db.pool, storage(), withImages.id, { alt: 'Front view', position: 0 });
    const plain = await createProduct(shop.db.pool, { categoryId: category.id, title: 'B without images' });

    const res = await shop.request.get(`/api/products?category=${category.slug}&sort=title`).expect(200);

    expect(res.body.items.map((item: { id: string; mainImage: unknown; imageUrl: unknown }) => [item.id, item.mainImage, item.imageUrl])).toEqual([
      [withImages.id, { alt: 'Front view', urls: urlsOf(first.key) }, urlsOf(first.key).card],
      [plain.id, null, 'https://img.example/p.jpg'], // no upload: the typed image URL, as before
    ]);
    expect(second.key).not.toBe(first.key);
  });

  test('when a page lists many products with images, then it is still two statements (the page and its count), not one per product', async () => {
    const category = await createCategory(shop.db.pool);
    for (let i = 0; i < 12; i++) {
      const product = await createProduct(shop.db.pool, { categoryId: category.id, title: `N ${i}` });
      await addProductImage(shop.db.pool, storage(), product.id);
    }
    const statements: string[] = [];
    const counting = { query: (...args: Parameters<typeof shop.db.pool.query>) => (statements.push(String(args[0])), shop.db.pool.query(...args)) };

    const page = await listProducts(counting as never, productListQuery.parse({ category: category.slug, limit: '20' }), storage().urlsOf);

    expect(page.items).toHaveLength(12);
    expect(page.items.every((item) => item.mainImage !== null)).toBe(true);
    expect(statements).toHaveLength(2);
  });
});

describe('GET /api/products/{idOrSlug}', () => {
  test('when a product has images, then its page lists them all in order (position, then upload), the first main, with alt, variant, size and URLs', async () => {
    const product = await createProductWithVariants(shop.db.pool, {
      title: uniqueId('Mug'),
      options: [{ name: 'Colour', values: ['Red', 'Blue'] }],
      variants: [{ optionValues: { Colour: 'Red' } }, { optionValues: { Colour: 'Blue' }, imageUrl: 'https://img.example/blue.jpg' }],
    });
    const [red, blue] = product.variants;
    const front = await addProductImage(shop.db.pool, storage(), product.id, { alt: 'Front', position: 0 });
    const redOne = await addProductImage(shop.db.pool, storage(), product.id, { alt: 'The red one', position: 1, variantId: red.id });
    const blueOne = await addProductImage(shop.db.pool, storage(), product.id, { alt: 'The blue one', position: 1, variantId: blue.id });

    const res = await shop.request.get(`/api/products/${product.slug}`).expect(200);

    const image = (fixture: typeof front, main: boolean, variantId: string | null) => ({
      id: fixture.id,
      alt: fixture.alt,
      main,
      variantId,
      width: 900,
      height: 600,
      urls: urlsOf(fixture.key),
    });
    expect(res.body.images).toEqual([image(front, true, null), image(redOne, false, red.id), image(blueOne, false, blue.id)]);
    expect(res.body.mainImage).toEqual({ alt: 'Front', urls: urlsOf(front.key) });
    expect(res.body.imageUrl).toBe(urlsOf(front.key).card);
    // a variant without its own image URL shows its first image; a typed URL still wins
    expect(res.body.variants.map((v: { id: string; imageUrl: string }) => [v.id, v.imageUrl])).toEqual([
      [red.id, urlsOf(redOne.key).card],
      [blue.id, 'https://img.example/blue.jpg'],
    ]);
  });

  test('when an image row has no stored upload (its store failed), then the storefront does not show it', async () => {
    const product = await createProduct(shop.db.pool);
    await shop.db.pool.query(`INSERT INTO product_images (product_id, alt, position) VALUES ($1, 'Lost upload', 0)`, [product.id]);
    const kept = await addProductImage(shop.db.pool, storage(), product.id, { alt: 'Stored', position: 1 });

    const res = await shop.request.get(`/api/products/${product.id}`).expect(200);

    expect(res.body.images.map((i: { alt: string }) => i.alt)).toEqual(['Stored']);
    expect(res.body.mainImage.urls).toEqual(urlsOf(kept.key));
  });

  test('when the product has no images, then images is empty and mainImage null', async () => {
    const product = await createProduct(shop.db.pool, { imageUrl: null });

    const res = await shop.request.get(`/api/products/${product.id}`).expect(200);

    expect(res.body).toMatchObject({ images: [], mainImage: null, imageUrl: null });
  });
});
