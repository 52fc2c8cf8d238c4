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

describe('country mentions in context', () => {
  const codes = (text: string) => findCountryMentions(text).map((m) => m.code);

  it('reads names that are also personal names as people when a name stands next to them', () => {
    expect(codes('Former ombudsman Jordan Rodas went into exile.')).toEqual([]);
    expect(codes('Chad Smith, a U.S. citizen, was detained.')).toEqual(['US']);
    expect(codes('Brothers Israel Benjamín and Juan were arrested.')).toEqual([]);
    expect(codes('Refugees arrived from Jordan and Chad; the Israel Defense Forces responded.')).toEqual([
      'JO',
      'TD',
      'IL',
    ]);
  });

  it('tells Georgia the country from the U.S. state, and Turkey from the bird', () => {
    expect(codes('He lived in Atlanta, Georgia, and studied at Georgia State University.')).toEqual([]);
    expect(codes('Georgia refused to extradite him.')).toEqual(['GE']);
    expect(codes('Turkey meat prices rose sharply.')).toEqual([]);
    expect(codes('Syrians fled to Turkey.')).toEqual(['SY', 'TR']);
  });

  it('does not read ordinary words or other places as countries', () => {
    expect(codes('The Inter-American Commission heard the case of Gilberto Jordán.')).toEqual([]);
    expect(codes('Officials in New Mexico and New Jersey; a Bay Island resort; Thomas Mann.')).toEqual([]);
    expect(codes('Oil companies in the Niger Delta; guinea pigs.')).toEqual([]);
  });

  it('finds demonyms in the plural', () => {
    expect(codes('Nicaraguans and Salvadorans crossed; Venezuelan migrants stayed.')).toEqual([
      'NI',
      'SV',
      'VE',
    ]);
  });
});
