import { describe, expect, it } from 'vitest';
import {
  isNumberLike,
  splitIdentifier,
  stemPlural,
  tokenizeReport,
  tokenizeWords,
  trimStackFrames,
} from './tokenize.js';

describe('tokenizeReport', () => {
  it('keeps identifiers whole and split, dotted paths and their parts', () => {
    expect(tokenizeReport('NPE in FSNamesystem.startFile when dfs.replication is 0')).toEqual([
      'npe',
      'fsnamesystem.startfile',
      'fsnamesystem',
      'fs',
      'namesystem',
      'startfile',
      'start',
      'file',
      'dfs.replication',
      'dfs',
      'replication',
    ]);
  });

  it('turns exceptions into signatures with the first words of their message', () => {
    expect(tokenizeReport('java.io.IOException: No space left on device at /tmp/foo')).toEqual([
      'sig:ioexception',
      'sig:ioexception:no space left on device',
      'java.io.ioexception',
      'java',
      'io',
      'ioexception',
      'io',
      'exception',
      'space',
      'left',
      'device',
      'tmp',
      'foo',
    ]);
    expect(tokenizeReport('TypeError: x is undefined')).toEqual([
      'sig:typeerror',
      'sig:typeerror:x is undefined',
      'typeerror',
      'type',
      'error',
      'undefined',
    ]);
  });

  it('drops numbers, hex, uuids and issue numbers, splits snake_case and folds plurals', () => {
    expect(
      tokenizeReport(
        'Upload fails: HADOOP-1234 on S3AFileSystem with max_retries=5, 64MB blocks, 0xdeadbeef ' +
          '123e4567-e89b-12d3-a456-426614174000 files',
      ),
    ).toEqual([
      'upload',
      'fail',
      'hadoop',
      's3afilesystem',
      's3',
      'file',
      'system',
      'max_retry',
      'max',
      'retry',
      'block',
      'file',
    ]);
  });

  it('splits acronyms and keeps file names', () => {
    expect(tokenizeReport('Check getHTTPServer() in log4j.properties, version 2.7.3')).toEqual([
      'check',
      'gethttpserver',
      'http',
      'server',
      'log4j.properties',
      'log4j',
      'property',
      'version',
    ]);
  });

  it('can leave signatures and stemming out', () => {
    expect(tokenizeReport('KeyError: files', { signatures: false, stem: false })).toEqual([
      'keyerror',
      'key',
      'error',
      'files',
    ]);
  });
});

describe('helpers', () => {
  it('splits identifiers', () => {
    expect(splitIdentifier('getFileStatus')).toEqual(['get', 'File', 'Status']);
    expect(splitIdentifier('HTTPServer2')).toEqual(['HTTP', 'Server2']);
    expect(splitIdentifier('max_retries')).toEqual(['max', 'retries']);
  });

  it('recognizes instance noise', () => {
    expect(['1234', '0x1f', 'deadbeef01', '64mb', 'blk12345678'].map(isNumberLike)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['log4j', 'sha256', 's3a', 'deadbeef'].map(isNumberLike)).toEqual([false, false, false, false]);
  });

  it('folds regular plurals only', () => {
    expect(
      ['files', 'policies', 'crashes', 'patches', 'caches', 'boxes', 'status', 'class', 'alias', 'bus'].map(
        stemPlural,
      ),
    ).toEqual(['file', 'policy', 'crash', 'patch', 'cache', 'box', 'status', 'class', 'alias', 'bus']);
  });

  it('keeps the top frames of a stack trace', () => {
    const trace = 'x\n  at a.B.c(B.java:1)\n  at a.B.d(B.java:2)\n  at a.B.e(B.java:3)\n  ... 4 more\ny';
    expect(trimStackFrames(trace, 2)).toBe('x\n  at a.B.c(B.java:1)\n  at a.B.d(B.java:2)\ny');
  });

  it('tokenizes the baseline the conventional way', () => {
    expect(tokenizeWords("The user's File-system isn't 2 good: foo_bar")).toEqual([
      'user',
      'file',
      'isn',
      'good',
      'foo_bar',
    ]);
  });
});
