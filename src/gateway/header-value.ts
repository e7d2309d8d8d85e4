// Response headers never carry raw client text: a value Headers would refuse (outside printable ASCII) is percent-encoded.

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function headerValue(text: string): string {
  return PRINTABLE_ASCII.test(text) ? text : encodeURIComponent(text.toWellFormed());
}
