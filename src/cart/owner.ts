/**
 * Whose cart: a customer's (made on the first add), or a guest's by its token hash, either a
 * new one (made on the first add) or one that must still exist (an expired or merged guest
 * cart is never brought back by an add with its old token).
 */
export type CartOwner = { userId: string } | { tokenHash: string; isNew: boolean };

/** The cart row's condition for an owner (alias c) and its one parameter. */
export function ownerMatch(owner: CartOwner): { column: 'user_id' | 'token_hash'; value: string } {
  return 'userId' in owner ? { column: 'user_id', value: owner.userId } : { column: 'token_hash', value: owner.tokenHash };
}
