import { describe, expect, it } from 'vitest';
import { safeNext } from '../../web/src/lib/safe-next.ts';

// Where the login page sends someone once logged in: `next` as the page's URL gives it
// (URLSearchParams decodes it once). Only a path of this very site, as a URL fit for a
// Location header; anything else is the dashboard.

const ORIGIN = 'https://guoyun.example.gov.cn';
const next = (query: string) => safeNext(new URL(`/login?${query}`, ORIGIN).searchParams.get('next'), ORIGIN);

describe('safeNext', () => {
  it('keeps paths of this site, with their query and fragment', () => {
    expect(next('next=/records')).toBe('/records');
    expect(next(`next=${encodeURIComponent('/records?tab=carrier&town=370323109#top')}`)).toBe('/records?tab=carrier&town=370323109#top');
    expect(next('next=/')).toBe('/');
  });

  it('sends non-ASCII paths percent-encoded, so the Location header is valid', () => {
    expect(next('next=/%E7%87%95')).toBe('/%E7%87%95');
    expect(next(`next=${encodeURIComponent('/records?coop=燕崖')}`)).toBe('/records?coop=%E7%87%95%E5%B4%96');
  });

  it('sends anything that could leave the site, or break the header, to the dashboard', () => {
    for (const query of [
      'next=/%09/evil.example', // a tab: browsers drop it, leaving //evil.example
      'next=/%0a/evil.example',
      'next=/%0d%0aSet-Cookie:%20x=1',
      'next=/%00',
      'next=//evil.example',
      'next=/\\evil.example',
      'next=%2F%2Fevil.example',
      'next=https://evil.example/',
      'next=javascript:alert(1)',
      'next=evil.example',
      'next=%20/records',
      'next=/%E2%80%8B/records', // a zero-width space
      'next=/%C2%A0/records',
      'next=',
      '',
      `next=/${'a'.repeat(3000)}`,
    ])
      expect({ query, to: next(query) }).toEqual({ query, to: '/' });
  });

  it('never throws, whatever it is given', () => {
    for (const raw of [null, undefined, '', '%', '/%', '/%zz', '/\ud800', '/a b', '/\u202e']) expect(() => safeNext(raw, ORIGIN)).not.toThrow();
    expect(safeNext('/records', 'not an origin')).toBe('/');
  });
});
