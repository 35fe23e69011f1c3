// sslcommerz-lts 1.2 ships no types. Every call is a POST through node-fetch and RESOLVES with
// whatever came back: the parsed JSON answer, or the error object when the call failed.
declare module 'sslcommerz-lts' {
  type Answer = Record<string, unknown>;

  class SSLCommerzPayment {
    constructor(storeId: string, storePassword: string, live?: boolean);
    baseURL: string;
    initURL: string;
    validationURL: string;
    refundURL: string;
    refundQueryURL: string;
    transactionQueryBySessionIdURL: string;
    transactionQueryByTransactionIdURL: string;
    /** Posts multipart form data; mutates `data` (adds the store credentials). */
    init(data: Record<string, string | number | undefined>, url?: string | false, method?: string): Promise<Answer | Error>;
    /** Query values are put into the URL as they are: encode them first. */
    validate(data: { val_id: string }, url?: string | false, method?: string): Promise<Answer | Error>;
    initiateRefund(
      data: { refund_amount: string; refund_remarks: string; bank_tran_id: string; refe_id: string },
      url?: string | false,
      method?: string,
    ): Promise<Answer | Error>;
    refundQuery(data: { refund_ref_id: string }, url?: string | false, method?: string): Promise<Answer | Error>;
    transactionQueryBySessionId(data: { sessionkey: string }, url?: string | false, method?: string): Promise<Answer | Error>;
    transactionQueryByTransactionId(data: { tran_id: string }, url?: string | false, method?: string): Promise<Answer | Error>;
  }
  export = SSLCommerzPayment;
}
