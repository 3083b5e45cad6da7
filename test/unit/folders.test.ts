import { describe, expect, it } from 'vitest';
import { assetNameOf, normalizeFileName, normalizeFolder } from '../../src/domain/folders.js';
import { faultOf } from '../support/faults.js';

describe('normalizeFolder', () => {
  it.each([
    [undefined, 'Acme/'],
    ['', 'Acme/'],
    ['  ', 'Acme/'],
    ['/', 'Acme/'],
    ['shoes', 'Acme/shoes/'],
    ['shoes/', 'Acme/shoes/'],
    ['/shoes', 'Acme/shoes/'],
    ['Acme', 'Acme/'],
    ['Acme/', 'Acme/'],
    ['/Acme/shoes/', 'Acme/shoes/'],
    ['Acme/shoes/red', 'Acme/shoes/red/'],
    ['shoes//red', 'Acme/shoes/red/'],
    [' shoes/red ', 'Acme/shoes/red/'],
    ['acme/shoes', 'Acme/acme/shoes/'], // the root match is case-sensitive
    ['...', 'Acme/.../'], // only exact '.' and '..' segments are special
  ])('%j → %s', (input, expected) => {
    expect(normalizeFolder(input, 'Acme/', 'folder')).toBe(expected);
  });

  it('accepts a root path without its trailing slash', () => {
    expect(normalizeFolder('shoes', 'Acme', 'folder')).toBe('Acme/shoes/');
    expect(normalizeFolder('Acme/shoes', 'Acme', 'folder')).toBe('Acme/shoes/');
  });

  it.each(['..', '../Other', 'Acme/../Other', 'shoes/..', './shoes', 'Acme/./shoes'])('refuses dot segments in %j', (input) => {
    const f = faultOf(() => normalizeFolder(input, 'Acme/', 'uploadParams.destFolder'));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('uploadParams.destFolder');
    expect(f.reason).toContain("without '.' or '..' segments");
  });

  it.each(['shoes\\red', '..\\Other', 'shoes\nred', 'shoes\u0000', 'tab\there', 'del\u007f'])('refuses backslashes and control characters in %j', (input) => {
    const f = faultOf(() => normalizeFolder(input, 'Acme/', 'folder'));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('folder');
    expect(f.reason).toContain('without control characters or backslashes');
    expect(f.httpStatus).toBe(400);
  });
});

describe('normalizeFileName', () => {
  it.each([
    ['photo.jpg', 'photo.jpg'],
    ['dir/photo.jpg', 'photo.jpg'],
    ['/abs/dir/photo.jpg', 'photo.jpg'],
    ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
    ['../../etc/passwd', 'passwd'],
    ['  spaced name.png  ', 'spaced name.png'],
    ['.hidden', '.hidden'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeFileName(input, 'fileName')).toBe(expected);
  });

  it.each(['..', '.', 'dir/..', 'dir\\..', '', '   ', 'dir/', 'bad\u0001name.jpg', 'x'.repeat(256)])('refuses %j', (input) => {
    const f = faultOf(() => normalizeFileName(input, 'uploadParams.fileName'));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('uploadParams.fileName');
    expect(f.reason).toContain('a file name of 1 to 255 printable characters');
  });

  it('accepts exactly 255 characters', () => {
    const name = 'a'.repeat(251) + '.jpg';
    expect(normalizeFileName(name, 'f')).toBe(name);
  });
});

describe('assetNameOf', () => {
  it.each([
    ['photo.jpg', 'photo'],
    ['archive.tar.gz', 'archive.tar'],
    ['noext', 'noext'],
    ['.hidden', '.hidden'],
    ['trailing.', 'trailing'],
    ['a.b', 'a'],
  ])('%j → %s', (input, expected) => {
    expect(assetNameOf(input)).toBe(expected);
  });
});
