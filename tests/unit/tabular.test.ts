import { describe, expect, it } from 'vitest';
import { CellError, cellText, headerKey, parseCarrier, parseCsv, parseDate, parseTown, parseYesNo, splitList } from '../../server/domain/network/tabular.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks; numbers records as a spreadsheet does', () => {
    const text = '\uFEFFcode,name,notes\r\n370323103201,"东里,一村","说""好""的"\r\n370323103202,西村,"两\n行"\n';
    expect(parseCsv(text)).toEqual([
      { row: 1, cells: ['code', 'name', 'notes'] },
      { row: 2, cells: ['370323103201', '东里,一村', '说"好"的'] },
      { row: 3, cells: ['370323103202', '西村', '两\n行'] },
    ]);
  });
  it('reads tab-separated text and keeps empty lines as numbered rows', () => {
    expect(parseCsv('a\tb\n\n1\t2')).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: [''] },
      { row: 3, cells: ['1', '2'] },
    ]);
  });
});

describe('cells', () => {
  it('reads dates in the usual spellings and refuses impossible ones', () => {
    expect(parseDate('2020-06-15')).toBe('2020-06-15');
    expect(parseDate('2020/6/5')).toBe('2020-06-05');
    expect(parseDate('2020年6月5日')).toBe('2020-06-05');
    expect(() => parseDate('2021-02-29')).toThrow(CellError);
    expect(() => parseDate('June 5')).toThrow(CellError);
  });
  it('reads yes and no in Chinese and English', () => {
    expect(['是', 'yes', 'TRUE', '1', '有'].map(parseYesNo)).toEqual([true, true, true, true, true]);
    expect(['否', 'no', 'false', '0', '无'].map(parseYesNo)).toEqual([false, false, false, false, false]);
    expect(() => parseYesNo('maybe')).toThrow(CellError);
  });
  it('finds towns and carriers by code or name', () => {
    const towns = [
      { code: '370323103', name: '东里镇' },
      { code: '370323001', name: '历山街道' },
    ];
    expect(parseTown('东里镇', towns)).toBe('370323103');
    expect(parseTown('东里', towns)).toBe('370323103');
    expect(parseTown('历山', towns)).toBe('370323001');
    expect(() => parseTown('370323999', towns)).toThrow('unknown town code');
    const carriers = [
      { code: 'ems', name: '中国邮政/EMS', nameEn: 'China Post / EMS' },
      { code: 'zto', name: '中通快递', nameEn: 'ZTO Express' },
    ];
    expect(['ems', 'EMS', '中通', '中通快递', 'ZTO Express'].map((c) => parseCarrier(c, carriers))).toEqual(['ems', 'ems', 'zto', 'zto', 'zto']);
    expect(() => parseCarrier('顺丰', carriers)).toThrow('unknown carrier');
    expect(splitList('ems、zto; yto，sto')).toEqual(['ems', 'zto', 'yto', 'sto']);
  });
  it('shows spreadsheet cells as text', () => {
    expect(cellText(370323103201)).toBe('370323103201');
    expect(cellText(new Date(Date.UTC(2020, 5, 15)))).toBe('2020-06-15');
    expect(cellText({ richText: [{ text: '东里' }, { text: '镇' }] })).toBe('东里镇');
    expect(cellText({ formula: 'A1', result: 3 })).toBe('3');
    expect(cellText(null)).toBe('');
    expect(headerKey(' Town_Code* ')).toBe(headerKey('townCode'));
  });
});
