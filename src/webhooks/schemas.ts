import { z } from 'zod';

// The shapes of the staff webhook routes. What the values mean (an http(s) URL to a public
// address, known events) is checked by the use case, with its own 422 codes.
export const newEndpointBody = z.strictObject({
  url: z.string().trim().min(1).max(2000),
  events: z.array(z.string().min(1).max(100)).min(1).max(50),
});
export type NewEndpoint = z.infer<typeof newEndpointBody>;

export const endpointRef = z.object({ id: z.uuid() });
