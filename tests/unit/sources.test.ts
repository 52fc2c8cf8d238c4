import { describe, expect, it } from 'vitest';
import { loadSources, SourcesFile } from '../../core/sources.ts';
import { ConfigFileError, parseYamlFile } from '../../core/yaml-file.ts';

const valid = `sources:
  - id: test-source
    name: Test Source
    publisher: Test Publisher
    series: Test Series
    homepage: https://example.org/
    cadence: annual
    license: { id: pd, name: Public domain, display: full-text, commercialUse: true }
    title: "{country} {edition} Report"
    citation: { author: Test Publisher, short: "{edition} {country} TR" }
`;

describe('sources.yaml', () => {
  it('loads the repository sources with the State Department Country Reports', () => {
    const sources = loadSources();
    const hrr = sources.find((s) => s.id === 'us-dos-hrr');
    expect(hrr?.crawl?.seeds[0]?.url).toContain('{edition}-country-reports-on-human-rights-practices');
    expect(hrr?.crawl?.follow.some((f) => f.format === 'pdf')).toBe(true);
    expect(hrr?.crawl?.follow.some((f) => f.match.includes('{country}'))).toBe(true);
    expect(hrr?.license.display).toBe('full-text');
  });

  it('applies defaults', () => {
    const [source] = parseYamlFile('test.yaml', SourcesFile, valid).sources;
    expect(source?.language).toBe('en');
    expect(source?.preferFormats).toEqual(['pdf', 'html', 'text']);
  });

  it('names the file, line, entry and field of an unknown key', () => {
    const text = valid.replace('    cadence: annual\n', '    cadence: annual\n    colour: red\n');
    try {
      parseYamlFile('sources.yaml', SourcesFile, text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigFileError);
      expect(String(error)).toContain(
        'sources.yaml:8: sources[0] (id: test-source) → colour: unknown field "colour"',
      );
    }
  });

  it('names the line and the field of a bad value', () => {
    const text = valid.replace('cadence: annual', 'cadence: sometimes');
    expect(() => parseYamlFile('sources.yaml', SourcesFile, text)).toThrow(
      /sources\.yaml:7: sources\[0\] \(id: test-source\) → cadence: Invalid option/,
    );
  });

  it('says a left-out field is missing, at its entry', () => {
    const text = valid.replace('    publisher: Test Publisher\n', '');
    expect(() => parseYamlFile('sources.yaml', SourcesFile, text)).toThrow(
      /sources\.yaml:\d+: sources\[0\] \(id: test-source\) → publisher: missing: this field is required \(string\)/,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    expect(() => parseYamlFile('sources.yaml', SourcesFile, 'sources:\n  - id: [unclosed\n')).toThrow(
      /sources\.yaml:\d+:/,
    );
  });

  it('refuses duplicate ids', () => {
    const text = `${valid}${valid.replace('sources:\n', '')}`;
    expect(() => parseYamlFile('sources.yaml', SourcesFile, text)).toThrow(/duplicate id "test-source"/);
  });
});
