import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { MAX_IMPORT_ROWS } from '../../contracts/network.ts';
import { DomainError } from '../errors.ts';
import { yieldEvery } from '../yield-to-loop.ts';

// An .xlsx file is a zip archive, and a zip says how large its parts are only by what it claims:
// 1.9 MB of them held 640,000 rows, 1 MB a gigabyte of zeros. Before exceljs sees a byte, the
// archive's directory is read here, the parts a worksheet's text needs are unpacked with a cap
// on what each may grow to (whatever it claims), its rows are counted, and a small archive of
// only those parts is built for exceljs. Media, drawings, other sheets, thumbnails, printer
// settings and the rest are never unpacked.

const MiB = 1024 * 1024;

/** Rows at or above the header (a title, notes) that the row limit does not count. */
export const HEADER_ROWS_ALLOWED = 10;

export const XLSX_LIMITS = {
  /** Parts in the archive. A workbook of a few sheets has 10–40; each sheet adds two or three. */
  entries: 1000,
  /** What all parts together claim to unpack to. */
  declaredBytes: 100 * MiB,
  /** What the parts read may unpack to, each: the worksheet, the shared strings, the styles, the rest. */
  worksheetBytes: 24 * MiB,
  sharedStringsBytes: 16 * MiB,
  stylesBytes: 4 * MiB,
  otherPartBytes: 1 * MiB,
  /** Rows holding a value, header and title rows included (readSheet then counts the data rows exactly). */
  rows: MAX_IMPORT_ROWS + HEADER_ROWS_ALLOWED,
  /** Cells of the worksheet, empty formatted ones included: exceljs keeps an object for each. */
  cells: 250_000,
  /** Strings in the shared table (it serves every sheet of the workbook). */
  sharedStrings: 500_000,
} as const;

const inflateRaw = promisify(zlib.inflateRaw);

const refuse = (message: string) => DomainError.validation([{ path: 'content', message }]);
const unreadable = () => refuse('is not a readable .xlsx file');
const mb = (bytes: number) => `${Math.round(bytes / MiB)} MB`;

type Entry = { name: string; flags: number; method: number; compressedSize: number; size: number; localOffset: number };

const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';
const SHARED_STRINGS = 'xl/sharedStrings.xml';
const STYLES = 'xl/styles.xml';
// exceljs loads a part as a worksheet by this pattern of its name, and nothing else.
const WORKSHEET = /xl\/worksheets\/sheet(\d+)[.]xml/;

/**
 * Checks an .xlsx file and answers the archive exceljs is to read: the workbook, its
 * relationships, the styles and shared strings, and the first worksheet (in the workbook's
 * order) only. Refuses (400 on `content`) an archive with too many parts, parts that claim or
 * turn out to unpack to more than the limits, zip64, encryption, or more rows than an import takes.
 */
export async function guardXlsx(file: Uint8Array): Promise<Buffer> {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const entries = centralDirectory(buf);
  const byName = new Map<string, Entry>();
  let declared = 0;
  for (const e of entries) {
    if (byName.has(e.name)) throw refuse(`holds two parts named ${e.name}: it is not a readable .xlsx file`);
    byName.set(e.name, e);
    declared += e.size;
  }
  if (declared > XLSX_LIMITS.declaredBytes)
    throw refuse(
      `unpacks to ${mb(declared)}; an .xlsx file may unpack to at most ${mb(XLSX_LIMITS.declaredBytes)} (pictures included): remove pictures or split the file`,
    );

  const read = async (name: string, cap: number): Promise<Buffer | null> => {
    const e = byName.get(name);
    return e ? unpack(buf, e, cap) : null;
  };
  const workbook = await read(WORKBOOK, XLSX_LIMITS.otherPartBytes);
  const workbookRels = await read(WORKBOOK_RELS, XLSX_LIMITS.otherPartBytes);
  if (!workbook || !workbookRels) throw unreadable();
  const sheetName = firstWorksheet(workbook.toString('utf8'), workbookRels.toString('utf8'), byName);
  if (!sheetName) throw refuse('has no worksheet');
  const sheet = await read(sheetName, XLSX_LIMITS.worksheetBytes);
  const shared = await read(SHARED_STRINGS, XLSX_LIMITS.sharedStringsBytes);
  const styles = await read(STYLES, XLSX_LIMITS.stylesBytes);

  await checkWorksheet(sheet!);
  if (shared && count(shared, '<si') > XLSX_LIMITS.sharedStrings)
    throw refuse(`holds more than ${XLSX_LIMITS.sharedStrings.toLocaleString('en')} distinct texts; at most that many can be read`);

  const parts: [string, Buffer][] = [
    [WORKBOOK, workbook],
    [WORKBOOK_RELS, workbookRels],
    [sheetName, withoutPartReferences(sheet!)],
  ];
  if (shared) parts.push([SHARED_STRINGS, shared]);
  if (styles) parts.push([STYLES, styles]);
  return storedZip(parts);
}

// ---------------------------------------------------------------------------------------------
// The archive's directory

function centralDirectory(buf: Buffer): Entry[] {
  // The end record sits in the last 22 bytes plus a comment of up to 65,535.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw unreadable();
  if (eocd >= 20 && buf.readUInt32LE(eocd - 20) === 0x07064b50) throw refuse('is a zip64 archive, which is not read: save it again from Excel as .xlsx');
  const disk = buf.readUInt16LE(eocd + 4);
  const onDisk = buf.readUInt16LE(eocd + 8);
  const total = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  const offset = buf.readUInt32LE(eocd + 16);
  if (total === 0xffff || size === 0xffffffff || offset === 0xffffffff)
    throw refuse('is a zip64 archive, which is not read: save it again from Excel as .xlsx');
  if (disk !== 0 || onDisk !== total) throw unreadable();
  if (total > XLSX_LIMITS.entries) throw refuse(`holds ${total} parts; an .xlsx file of at most ${XLSX_LIMITS.entries} parts is read`);
  if (offset + size > eocd) throw unreadable();

  const entries: Entry[] = [];
  let p = offset;
  for (let i = 0; i < total; i++) {
    if (p + 46 > offset + size || buf.readUInt32LE(p) !== 0x02014b50) throw unreadable();
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const entrySize = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    if (p + 46 + nameLength > offset + size) throw unreadable();
    // exceljs reads a name with a leading "/" as the same part.
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength).replace(/^\//, '');
    if (compressedSize === 0xffffffff || entrySize === 0xffffffff || localOffset === 0xffffffff)
      throw refuse('is a zip64 archive, which is not read: save it again from Excel as .xlsx');
    // Bit 0: encrypted; bit 6: strong encryption. Excel protects a file with a password differently (not as a zip).
    if (flags & 0x41) throw refuse('is encrypted; save it without a password');
    entries.push({ name, flags, method, compressedSize, size: entrySize, localOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** One part's bytes, unpacked into at most `cap` bytes whatever the archive claims. */
async function unpack(buf: Buffer, e: Entry, cap: number): Promise<Buffer> {
  const tooLarge = () => refuse(`has a part (${e.name}) that unpacks to more than ${mb(cap)}; at most ${mb(cap)} is read`);
  if (e.size > cap) throw tooLarge();
  const at = e.localOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== 0x04034b50) throw unreadable();
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const end = start + e.compressedSize;
  if (end > buf.length) throw unreadable();
  const data = buf.subarray(start, end);
  if (e.method === 0) {
    if (data.length > cap) throw tooLarge();
    return Buffer.from(data);
  }
  if (e.method !== 8) throw refuse(`has a part (${e.name}) packed in a way that is not read: save it again from Excel as .xlsx`);
  try {
    // In the thread pool, and stopped as soon as the output passes the cap.
    return await inflateRaw(data, { maxOutputLength: cap });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw unreadable();
  }
}

// ---------------------------------------------------------------------------------------------
// The workbook's first worksheet

/**
 * The elements named `name` in an XML text, with their attributes, in one linear pass (no
 * pattern that could backtrack over the whole text).
 */
function* elements(xml: string, name: string): Generator<Map<string, string>> {
  for (let i = xml.indexOf(`<${name}`); i >= 0; i = xml.indexOf(`<${name}`, i + 1)) {
    const gt = xml.indexOf('>', i);
    if (gt < 0) return;
    const text = xml.slice(i + 1 + name.length, gt);
    // Another element whose name starts the same, or a tag no workbook writes (attributes are short).
    if (!/^[\s/]/.test(text) || text.length > 4096) continue;
    const attributes = new Map<string, string>();
    for (const m of text.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attributes.set(m[1], m[2] ?? m[3]);
    yield attributes;
  }
}

/** The first sheet of the workbook, in its order, that exceljs would load as a worksheet (a chart sheet is not one). */
function firstWorksheet(workbook: string, rels: string, parts: Map<string, Entry>): string | null {
  const targets = new Map<string, string>();
  for (const a of elements(rels, 'Relationship')) if (a.has('Id')) targets.set(a.get('Id')!, a.get('Target') ?? '');
  for (const a of elements(workbook, 'sheet')) {
    const target = targets.get(a.get('r:id') ?? '');
    if (target === undefined) continue;
    // As exceljs resolves it: relative to xl/, an absolute /xl/ prefix dropped.
    const name = `xl/${target.replace(/^(\s|\/xl\/)+/, '')}`;
    if (parts.has(name) && WORKSHEET.test(name)) return name;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The worksheet's size in rows and cells

function count(buf: Buffer, tag: string): number {
  let n = 0;
  for (let i = buf.indexOf(tag); i >= 0; i = buf.indexOf(tag, i + tag.length)) if (endsName(buf[i + tag.length])) n++;
  return n;
}

// After "<row" or "<c": a space, ">" or "/" ends the element's name (so "<col" or "<cfRule" is not "<c").
const endsName = (byte: number | undefined) => byte === 0x20 || byte === 0x3e || byte === 0x2f || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/** Refuses a worksheet with more rows holding a value, or more cells, than an import reads. */
async function checkWorksheet(sheet: Buffer): Promise<void> {
  const breathe = yieldEvery();
  let rows = 0;
  let start = nextTag(sheet, '<row', 0);
  while (start >= 0) {
    const next = nextTag(sheet, '<row', start + 4);
    const row = sheet.subarray(start, next < 0 ? sheet.length : next);
    // A row with a value (<v>) or an inline string (<is>); rows Excel keeps for their formatting alone are not counted.
    if (row.indexOf('<v>') >= 0 || row.indexOf('<v ') >= 0 || row.indexOf('<is>') >= 0) {
      if (++rows > XLSX_LIMITS.rows) throw refuse(`holds more than ${MAX_IMPORT_ROWS} rows; at most ${MAX_IMPORT_ROWS} can be imported at once`);
    }
    start = next;
    await breathe();
  }
  const cells = count(sheet, '<c');
  if (cells > XLSX_LIMITS.cells)
    throw refuse(`holds ${cells.toLocaleString('en')} cells; at most ${XLSX_LIMITS.cells.toLocaleString('en')} (values and formatted empty cells) can be read`);
}

function nextTag(buf: Buffer, tag: string, from: number): number {
  for (let i = buf.indexOf(tag, from); i >= 0; i = buf.indexOf(tag, i + tag.length)) if (endsName(buf[i + tag.length])) return i;
  return -1;
}

/**
 * The worksheet without its links to parts left out (hyperlink targets, drawings, tables):
 * exceljs fails on a link whose part is missing. These elements follow the cells, so the
 * cells' text is untouched; a hyperlink's cell keeps its text.
 */
function withoutPartReferences(sheet: Buffer): Buffer {
  const end = sheet.lastIndexOf('</sheetData>');
  if (end < 0) return sheet;
  const tail = sheet.toString('latin1', end);
  const dropped = new Set(['hyperlinks', 'drawing', 'tableParts']);
  let out = '';
  let i = 0;
  let skipping: string | null = null;
  let keptFrom = 0;
  for (;;) {
    const lt = tail.indexOf('<', i);
    if (lt < 0) break;
    const gt = tail.indexOf('>', lt);
    if (gt < 0) break;
    i = gt + 1;
    const closing = tail[lt + 1] === '/';
    const name = /^[\w:.-]+/.exec(tail.slice(lt + (closing ? 2 : 1), Math.min(gt, lt + 40)))?.[0] ?? '';
    const selfClosing = tail[gt - 1] === '/';
    if (skipping) {
      if (closing && name === skipping) {
        skipping = null;
        keptFrom = i;
      }
      continue;
    }
    if (!closing && dropped.has(name)) {
      out += tail.slice(keptFrom, lt);
      if (selfClosing) keptFrom = i;
      else skipping = name;
    }
  }
  out += skipping ? '' : tail.slice(keptFrom);
  return Buffer.concat([sheet.subarray(0, end), Buffer.from(out, 'latin1')]);
}

// ---------------------------------------------------------------------------------------------
// The archive exceljs reads

/** A zip of these parts, stored (not compressed): exceljs reads it without unpacking anything again. */
function storedZip(parts: [string, Buffer][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of parts) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
