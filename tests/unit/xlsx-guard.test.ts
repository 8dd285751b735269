import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../server/domain/errors.ts';
import { parseCsv, parseCsvAsync, readSheet, type Column } from '../../server/domain/network/tabular.ts';
import { XLSX_LIMITS } from '../../server/domain/network/xlsx-guard.ts';
import { sheetXml, workbookParts, zipArchive, type ZipPart } from '../helpers/zip-bombs.ts';

// What readSheet makes of an .xlsx now that the archive is checked and cut down before exceljs
// reads it (xlsx-guard.ts): the same rows as before for real files, a refusal on `content` for
// archives it does not read. The bombs themselves are in tests/api/import-limits.test.ts.

const COLUMNS: Column[] = [
  { name: 'code', aliases: ['代码'] },
  { name: 'name', aliases: ['名称'] },
];
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';

const read = (file: Buffer) => readSheet('xlsx', file.toString('base64'), COLUMNS);

async function refusal(file: Buffer | string): Promise<string> {
  try {
    await readSheet('xlsx', typeof file === 'string' ? file : file.toString('base64'), COLUMNS);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const issues = (error as DomainError).issues!;
    expect(issues.map((i) => i.path)).toEqual(['content']);
    return issues[0].message;
  }
  throw new Error('read, not refused');
}

/** A workbook whose sheets are listed in workbook.xml in `order` (by part name), stored in the archive in the order given. */
function twoSheets(order: string[], extra: ZipPart[] = []): Buffer {
  const parts = workbookParts(
    sheetXml([
      ['代码', '名称'],
      ['A1', '第一张'],
    ]),
  ).filter((p) => !p.name.startsWith('xl/'));
  const rels = order.map((name, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="${name.replace('xl/', '')}"/>`).join('');
  const sheets = order.map((name, i) => `<sheet name="S${i + 1}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('');
  return zipArchive([
    ...parts,
    {
      name: 'xl/worksheets/sheet1.xml',
      data: sheetXml([
        ['代码', '名称'],
        ['one', '文件里的第一张'],
      ]),
    },
    {
      name: 'xl/worksheets/sheet2.xml',
      data: sheetXml([
        ['代码', '名称'],
        ['two', '文件里的第二张'],
      ]),
    },
    { name: 'xl/workbook.xml', data: `<workbook xmlns="${NS}" xmlns:r="${REL}"><sheets>${sheets}</sheets></workbook>` },
    { name: 'xl/_rels/workbook.xml.rels', data: `<Relationships xmlns="${PKG}">${rels}</Relationships>` },
    ...extra,
  ]);
}

describe('reading .xlsx through the guard', () => {
  it('reads the first worksheet in the workbook’s order, whatever the order of the archive', async () => {
    expect((await read(twoSheets(['xl/worksheets/sheet2.xml', 'xl/worksheets/sheet1.xml']))).rows[0].cells).toEqual(['two', '文件里的第二张']);
    expect((await read(twoSheets(['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']))).rows[0].cells).toEqual(['one', '文件里的第一张']);
    // A chart sheet listed first is not a worksheet (as exceljs saw it): the next sheet is read.
    const withChart = twoSheets(['xl/chartsheets/sheet1.xml', 'xl/worksheets/sheet2.xml'], [{ name: 'xl/chartsheets/sheet1.xml', data: '<chartsheet/>' }]);
    expect((await read(withChart)).rows[0].cells).toEqual(['two', '文件里的第二张']);
  });

  it('reads a sheet with hyperlinks, a drawing and a table, whose parts it leaves out; a link keeps its text', async () => {
    const sheet = sheetXml([
      ['代码', '名称'],
      ['X1', '有链接的村'],
    ]).replace(
      '</sheetData>',
      `</sheetData><hyperlinks><hyperlink ref="B2" r:id="rId1" xmlns:r="${REL}"/></hyperlinks><drawing r:id="rId2" xmlns:r="${REL}"/><tableParts count="1"><tablePart r:id="rId3" xmlns:r="${REL}"/></tableParts>`,
    );
    const file = zipArchive([
      ...workbookParts(sheet),
      {
        name: 'xl/worksheets/_rels/sheet1.xml.rels',
        data: `<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/hyperlink" Target="https://example.invalid/" TargetMode="External"/><Relationship Id="rId2" Type="${REL}/drawing" Target="../drawings/drawing1.xml"/><Relationship Id="rId3" Type="${REL}/table" Target="../tables/table1.xml"/></Relationships>`,
      },
      { name: 'xl/drawings/drawing1.xml', data: '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"/>' },
      { name: 'xl/media/image1.png', data: Buffer.alloc(1000, 7) },
    ]);
    expect((await read(file)).rows).toEqual([{ row: 2, cells: ['X1', '有链接的村'] }]);
  });

  it('leaves out blank rows, keeping the row numbers a spreadsheet shows', async () => {
    const file = zipArchive(workbookParts(sheetXml([['沂源县建制村名单'], ['代码', '名称'], ['', '  '], ['A', '甲'], [], ['B', '乙']])));
    const sheet = await read(file);
    expect(sheet.headerRow).toBe(2);
    expect(sheet.rows).toEqual([
      { row: 4, cells: ['A', '甲'] },
      { row: 6, cells: ['B', '乙'] },
    ]);
  });

  it('refuses what it does not read, on content', async () => {
    const good = zipArchive(
      workbookParts(
        sheetXml([
          ['代码', '名称'],
          ['A', '甲'],
        ]),
      ),
    );
    expect(await refusal(Buffer.from('not a zip at all'))).toBe('is not a readable .xlsx file');
    expect(await refusal(good.subarray(0, good.length - 30))).toBe('is not a readable .xlsx file');
    expect(await refusal('***')).toMatch(/base64/);
    // A long run of spaces before a bad character: the old pattern took quadratic time on it.
    const started = performance.now();
    expect(await refusal(`${' '.repeat(2_000_000)}!`)).toMatch(/base64/);
    expect(performance.now() - started).toBeLessThan(1000);

    const encrypted = Buffer.from(good);
    const directory = encrypted.readUInt32LE(encrypted.length - 6);
    encrypted.writeUInt16LE(1, directory + 8); // general purpose flag, bit 0: encrypted
    expect(await refusal(encrypted)).toMatch(/encrypted/);

    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    const zip64 = Buffer.concat([good.subarray(0, good.length - 22), locator, good.subarray(good.length - 22)]);
    expect(await refusal(zip64)).toMatch(/zip64/);

    const noSheet = zipArchive(workbookParts(sheetXml([['代码']])).filter((p) => p.name !== 'xl/worksheets/sheet1.xml'));
    expect(await refusal(noSheet)).toBe('has no worksheet');
  });

  it('refuses a sheet of more cells than it reads, formatted empty ones included', async () => {
    const columns = 60;
    const rows = Math.ceil(XLSX_LIMITS.cells / columns) + 1;
    const row = (r: number) => `<row r="${r}">${Array.from({ length: columns }, () => '<c s="1"/>').join('')}</row>`;
    const sheet = `<worksheet xmlns="${NS}"><sheetData><row r="1"><c t="inlineStr"><is><t>代码</t></is></c></row>${Array.from({ length: rows }, (_, i) => row(i + 2)).join('')}</sheetData></worksheet>`;
    expect(await refusal(zipArchive(workbookParts(sheet)))).toMatch(/at most 250,000/);
  });
});

describe('parseCsvAsync', () => {
  it('answers what parseCsv answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', '合', ',', '"', '\r', '\n', '\t', ' ', '\uFEFF') }), async (text) => {
        expect(await parseCsvAsync(text)).toEqual(parseCsv(text));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves out blank rows when asked, and stops past the row limit', async () => {
    expect(await parseCsvAsync('a,b\n\n , \nc,d\n', { skipBlank: true })).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 4, cells: ['c', 'd'] },
    ]);
    await expect(parseCsvAsync('a\nb\nc\n', { skipBlank: true, maxRows: 2 })).rejects.toMatchObject({
      issues: [{ path: 'content', message: expect.stringMatching(/at most/) }],
    });
  });
});
