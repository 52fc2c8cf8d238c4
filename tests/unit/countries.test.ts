import { describe, expect, it } from 'vitest';
import { countryByCode, findCountryMentions, resolveCountry } from '../../core/countries.ts';

describe('countries', () => {
  it.each([
    ['GT', 'GT'],
    ['gtm', 'GT'],
    ['Burma', 'MM'],
    ['Myanmar', 'MM'],
    ['Türkiye', 'TR'],
    ['Turkey', 'TR'],
    ['DRC', 'CD'],
    ['democratic-republic-of-the-congo', 'CD'],
    ['Congo-Brazzaville', 'CG'],
    ['Côte d’Ivoire', 'CI'],
    ['Ivory Coast', 'CI'],
    ['el-salvador', 'SV'],
    ['Eswatini', 'SZ'],
    ['Swaziland', 'SZ'],
    ['in', 'IN'],
  ])('resolves %s to %s', (input, code) => {
    expect(resolveCountry(input)).toBe(code);
  });

  it('returns undefined for something that is not a country', () => {
    expect(resolveCountry('Atlantis')).toBeUndefined();
    expect(resolveCountry('')).toBeUndefined();
  });

  it('uses the names U.S. reports use for display', () => {
    expect(countryByCode('MM')?.name).toBe('Burma');
    expect(countryByCode('cd')?.name).toBe('Democratic Republic of the Congo');
  });

  it('finds countries named in text by name, alias and demonym, longest name first', () => {
    const codes = findCountryMentions(
      'Nicaraguans fled to Costa Rica; Salvadoran gangs operated in Guatemala; Papua New Guinea; Niger and Nigeria; Burma.',
    ).map((m) => m.code);
    expect(codes).toEqual(['NI', 'CR', 'SV', 'GT', 'PG', 'NE', 'NG', 'MM']);
  });

  it('does not read hyphenated words or personal names as countries', () => {
    expect(findCountryMentions('The Inter-American Commission heard Gilberto Jordán.')).toEqual([]);
  });
});
