import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GROUNDS } from '../../core/contract.ts';
import { loadTaxonomy } from '../../core/taxonomy.ts';
import { Tagger } from '../../indexer/tag.ts';

const taxonomy = loadTaxonomy();

describe('taxonomy', () => {
  it('defines the five protected grounds, at least 15 topics and the legal elements, each with terms', () => {
    expect(taxonomy.grounds.map((g) => g.id).sort()).toEqual([...GROUNDS].sort());
    expect(taxonomy.topics.length).toBeGreaterThanOrEqual(15);
    for (const id of [
      'torture',
      'fgm',
      'lgbtqi',
      'gangs',
      'gender-based-violence',
      'trafficking',
      'blood-feud',
      'military-service',
      'children',
      'returnees',
      'state-protection',
      'internal-relocation',
      'health-disability',
      'land-property',
      'political-repression',
    ]) {
      expect(taxonomy.topics.map((t) => t.id)).toContain(id);
    }
    expect(taxonomy.elements.map((e) => e.id).sort()).toEqual(
      [
        'cat-acquiescence',
        'internal-relocation',
        'nexus',
        'pattern-or-practice',
        'state-unable-unwilling',
      ].sort(),
    );
    for (const tag of [...taxonomy.grounds, ...taxonomy.topics, ...taxonomy.elements])
      expect(tag.terms.length).toBeGreaterThan(3);
  });

  it('groups interchangeable spellings as synonyms for search', () => {
    const synonyms = (id: string) => taxonomy.topics.find((t) => t.id === id)?.synonyms.flat() ?? [];
    expect(synonyms('fgm')).toEqual(
      expect.arrayContaining(['FGM', 'FGM/C', 'female genital mutilation', 'female circumcision']),
    );
    expect(synonyms('lgbtqi')).toEqual(expect.arrayContaining(['LGBTQI+', 'LGBTI', 'LGBT']));
    expect(synonyms('gangs')).toEqual(expect.arrayContaining(['MS-13', 'Mara Salvatrucha']));
  });

  it('rejects a taxonomy missing a ground, and names a bad pattern by its line', () => {
    const file = path.join(os.tmpdir(), `taxonomy-${process.pid}.yaml`);
    writeFileSync(
      file,
      'grounds:\n  - id: race\n    label: Race\n    terms: [race]\ntopics: []\nelements: []\n',
    );
    expect(() => loadTaxonomy(file)).toThrow(/ground "religion" is missing/);
    writeFileSync(file, 'rules:\n  negation:\n    - "(unclosed"\ngrounds: []\ntopics: []\nelements: []\n');
    expect(() => loadTaxonomy(file)).toThrow(/:3: rules → negation\[0\]: not a valid regular expression/);
  });
});

describe('tagger', () => {
  const tagger = new Tagger(taxonomy);
  const tag = (text: string, axis: 'ground' | 'topic' | 'element', id: string, section: string[] = []) =>
    tagger.tag(text, section).find((m) => m.axis === axis && m.tag === id);
  const ground = (text: string, id: string, section: string[] = []) => tag(text, 'ground', id, section);

  it('tags grounds and lists the terms that produced each tag', () => {
    const text =
      'Police arrested opposition activists and journalists; Garifuna communities faced ethnic discrimination.';
    expect(ground(text, 'political-opinion')?.terms).toEqual(
      expect.arrayContaining(['opposition', 'activists', 'journalists']),
    );
    expect(ground(text, 'race')?.terms).toEqual(expect.arrayContaining(['garifuna', 'ethnic']));
  });

  it('matches word endings only where the term asks for them', () => {
    expect(ground('Religious leaders and churches were attacked.', 'religion')?.terms).toEqual(
      expect.arrayContaining(['religious leaders', 'churches']),
    );
    expect(ground('The racecourse was closed.', 'race')).toBeUndefined();
  });

  it('ignores false friends', () => {
    expect(ground('The presidential race was calm, and the race for mayor ended.', 'race')).toBeUndefined();
    // Russia and Burma 2023, in plural; and a surname that opens with a people's name (Turkey 2023).
    expect(
      ground(
        'During the September 10 regional elections, pro-Kremlin candidates won all gubernatorial races. The NLD won 396 of 476 races for national assembly seats.',
        'race',
      ),
    ).toBeUndefined();
    expect(ground('Police detained member of parliament Enis Berberoglu.', 'race')).toBeUndefined();
    expect(
      ground('Authorities discriminated against Berbers and restricted the Berber language.', 'race')?.terms,
    ).toEqual(expect.arrayContaining(['berbers']));
    expect(ground('Racial discrimination persisted during the presidential race.', 'race')?.terms).toEqual([
      'racial',
    ]);
    expect(ground('The ministry converted the loans into grants in good faith.', 'religion')).toBeUndefined();
    expect(ground('Christians who converted faced threats from their families.', 'religion')?.terms).toEqual(
      expect.arrayContaining(['christians', 'converted']),
    );
    expect(tag('Nomads crossed the desert region.', 'topic', 'military-service')).toBeUndefined();
    expect(tag('Conscripts who desert face prison.', 'topic', 'military-service')?.terms).toEqual(
      expect.arrayContaining(['desert']),
    );
  });

  it('does not count an absence statement as evidence, up to the end of its clause', () => {
    expect(ground('There were no reports of religious discrimination.', 'religion')).toBeUndefined();
    expect(
      ground('There were no known reports of antisemitic incidents during the year.', 'religion'),
    ).toBeUndefined();
    expect(
      ground(
        'There were no reports of violence against persons with HIV, but authorities arrested Christian pastors.',
        'religion',
      )?.terms,
    ).toEqual(expect.arrayContaining(['christian', 'pastors']));
    // Some absences are the evidence: a state that does not investigate is not protecting.
    expect(
      tag('The authorities did not investigate the attacks.', 'topic', 'state-protection')?.terms,
    ).toEqual(['did not investigate']);
  });

  it('does not count a boilerplate list of protected characteristics', () => {
    const boilerplate =
      'The law prohibited discrimination based on race, sex, gender, disability, language, religion, or social status.';
    expect(ground(boilerplate, 'race')).toBeUndefined();
    expect(ground(boilerplate, 'religion')).toBeUndefined();
    // A provision about one group is evidence about that group.
    expect(
      ground('The law prohibited discrimination based on race or ethnicity.', 'race')?.terms,
    ).toBeDefined();
    // A list needs no cue to be boilerplate; the other clauses of its sentence still count.
    const uncued =
      'The law made it illegal to share any information likely to ridicule, degrade, or demean another person, a tribe, an ethnicity, a religion or gender; police arrested ethnic Kurds who protested.';
    expect(ground(uncued, 'religion')).toBeUndefined();
    expect(ground(uncued, 'race')?.terms).toEqual(expect.arrayContaining(['ethnic', 'kurds']));
  });

  it('does not count population figures or sources of information', () => {
    expect(ground('The Jewish community numbered fewer than 100 persons.', 'religion')).toBeUndefined();
    expect(
      ground('Human rights activists reported that prison conditions remained harsh.', 'political-opinion'),
    ).toBeUndefined();
    expect(ground('Security forces arrested human rights activists.', 'political-opinion')?.terms).toEqual([
      'activists',
    ]);
    expect(
      ground('Police arrested 74 persons, including 14 women.', 'particular-social-group'),
    ).toBeUndefined();
  });

  it('gives a heading’s tag to the passages beneath it, unless they only report an absence', () => {
    const women = ['Section 6. Discrimination and Societal Abuses', 'Women', 'Discrimination'];
    expect(
      ground('The labor code required equal pay for equal work.', 'particular-social-group', women)?.terms,
    ).toEqual(['§ Women']);
    expect(
      ground(
        'There were no reports of coerced abortion or involuntary sterilization on the part of government authorities.',
        'particular-social-group',
        [...women.slice(0, 2), 'Reproductive Rights'],
      ),
    ).toBeUndefined();
  });

  it('gives § Women under Reproductive Rights for coercion, restrictions and survivors’ services, not for health statistics', () => {
    const reproductive = ['Section 6. Discrimination and Societal Abuses', 'Women', 'Reproductive Rights'];
    const psg = (text: string) => ground(text, 'particular-social-group', reproductive);
    // Statistics and availability of care (holdout-5 p7598, p7844, p8008): not evidence for women.
    expect(
      psg(
        'Maternal mortality was 189 deaths per 100,000 live births, according to the World Health Organization (WHO) 2022 Demographics and Health Survey.',
      ),
    ).toBeUndefined();
    expect(
      psg(
        'Contraception methods were taught in schools and contraception was safe, effective, and widely available.',
      ),
    ).toBeUndefined();
    expect(
      psg(
        'Families and individuals in cities generally had better access to information than did those living in rural areas. According to the United Nations, the rate of contraceptive use among married women was 35 percent for those living in urban areas, compared with 19 percent in rural areas.',
      ),
    ).toBeUndefined();
    // Coercion, legal restrictions, barriers and the state's services for survivors keep it.
    expect(
      psg(
        'Policies and guidelines that penalized families with more than two children were not widely enforced but remained in place in various states.',
      )?.terms,
    ).toEqual(['§ Reproductive Rights']);
    expect(
      psg(
        'The government provided access to sexual and reproductive health services for survivors of sexual violence. Emergency contraception and postexposure prophylaxis were available as part of clinical management of rape.',
      )?.terms,
    ).toEqual(['§ Reproductive Rights']);
    expect(
      psg(
        'In rural areas, women and girls reportedly faced cultural and social barriers related to menstruation and pregnancy that limited their ability to participate equally in society.',
      )?.terms,
    ).toEqual(['§ Reproductive Rights']);
    expect(
      psg('The law required women to obtain their husband’s consent to use contraception.'),
    ).toBeDefined();
  });

  it('gives § Children under Education only through its own words, not to every school statistic', () => {
    const education = ['Section 6. Discrimination and Societal Abuses', 'Children', 'Education'];
    expect(
      ground(
        'Critics observed overcrowding in classrooms led to students’ dependence on additional tutoring sessions, which were prohibitively expensive for those with limited economic resources, to score adequately on national exams.',
        'particular-social-group',
        education,
      ),
    ).toBeUndefined();
    expect(
      ground(
        'Education: In rural areas parents enrolled fewer daughters than sons in school due to cultural and religious values, but the percentage of girls in school continued to increase.',
        'particular-social-group',
        education,
      )?.terms,
    ).toEqual(['girls']);
  });

  it('reads the participation, disability and criminalization boilerplate as absence statements', () => {
    const section6 = 'Section 6. Discrimination and Societal Abuses';
    expect(
      ground(
        'No information was available on the rate of school attendance for children with disabilities compared to those without disabilities. There were no known impediments to the ability of persons with disabilities to participate in the restricted civic space.',
        'particular-social-group',
        [section6, 'Persons with Disabilities'],
      ),
    ).toBeUndefined();
    const criminalization = [
      section6,
      'Acts of Violence, Criminalization, and Other Abuses Based on Sexual Orientation, Gender Identity or Expression, or Sex Characteristics',
      'Criminalization',
    ];
    expect(
      ground(
        'Criminalization: No laws criminalized private consensual same-sex sexual conduct between adults. There were no reports of police using seemingly neutral laws to arbitrarily arrest lesbian, gay, bisexual, transgender, queer, or intersex (LGBTQI+) persons.',
        'particular-social-group',
        criminalization,
      ),
    ).toBeUndefined();
    expect(
      ground(
        'Criminalization: The law criminalized consensual same-sex sexual conduct between adults, with penalties of up to 10 years in prison.',
        'particular-social-group',
        criminalization,
      ),
    ).toBeDefined();
    expect(
      ground(
        'No laws limited the participation of women or members of marginalized or vulnerable groups in the political process.',
        'particular-social-group',
      ),
    ).toBeUndefined();
    expect(
      ground(
        'Participation of Women and Members of Marginalized or Vulnerable Groups: No laws limited the participation of women or members of marginalized or vulnerable groups in the political process, but social norms suggesting elected officials should be “tough” and masculine, in addition to the threat of electoral violence, discouraged women from participating.',
        'particular-social-group',
      ),
    ).toBeDefined();
    const expression = [
      'Section 2. Respect for Civil Liberties',
      'a. Freedom of Expression, Including for Members of the Press and Other Media',
      'Internet Freedom',
    ];
    expect(
      ground(
        'The government did not restrict or disrupt internet access or censor online content.',
        'political-opinion',
        expression,
      ),
    ).toBeUndefined();
    expect(
      ground(
        'The government restricted and disrupted internet access and censored online content.',
        'political-opinion',
        expression,
      ),
    ).toBeDefined();
  });

  it('tags nothing in a passage that only points to another report', () => {
    expect(
      tagger.tag(
        'See the Department of State’s annual Trafficking in Persons Report at https://www.state.gov/.',
        ['Section 6. Discrimination and Societal Abuses', 'Trafficking in Persons'],
      ),
    ).toEqual([]);
  });

  it('reads a run-in label as the heading, not as words of the passage', () => {
    const section = [
      'Section 6. …',
      'Acts of Violence …',
      'Restrictions of Freedom of Expression, Association, or Peaceful Assembly',
    ];
    const text =
      'Restrictions of Freedom of Expression, Association, or Peaceful Assembly: LGBTQI+ groups could not register.';
    expect(ground(text, 'political-opinion', section)).toBeUndefined();
    expect(ground(text, 'particular-social-group', section)?.terms).toEqual(['lgbtqi']);
  });

  it('does not read a place name as a group', () => {
    expect(ground('Most IDPs lived in Kachin State, Shan State, and Rakhine State.', 'race')).toBeUndefined();
    expect(
      ground('Villagers in Karen, Kachin, and Shan States were used as human shields.', 'race'),
    ).toBeUndefined();
    expect(ground('Soldiers arrested Kachin activists.', 'race')?.terms).toEqual(['kachin']);
  });

  it('counts event words and actors only where harm is done to them', () => {
    // Protests and elections are events; clergy are often actors, not targets.
    expect(ground('Workers held protests over unpaid wages.', 'political-opinion')).toBeUndefined();
    expect(ground('Police dispersed protesters with tear gas.', 'political-opinion')?.terms).toEqual([
      'protesters',
    ]);
    expect(ground('Municipal elections were held in May.', 'political-opinion')).toBeUndefined();
    expect(
      ground(
        'Observers reported fraud and the intimidation of voters during the elections.',
        'political-opinion',
      )?.terms,
    ).toEqual(expect.arrayContaining(['voters', 'elections']));
    expect(ground('Religious leaders opposed the family planning programme.', 'religion')).toBeUndefined();
    expect(ground('Police arrested religious leaders in March.', 'religion')?.terms).toEqual([
      'religious leaders',
    ]);
  });

  it('needs the harm next to a family, not anywhere in its sentence', () => {
    expect(
      ground('Security forces threatened family members of the exiled journalist.', 'particular-social-group')
        ?.terms,
    ).toEqual(['family members']);
    expect(
      ground(
        'The law allowed family members and lawyers to visit persons detained for national security reasons.',
        'particular-social-group',
      ),
    ).toBeUndefined();
  });

  it('does not read the name of an organisation as the people it names', () => {
    expect(
      ground(
        'Inmates relied on the Committee for the Defense of Political Prisoners for food.',
        'political-opinion',
      ),
    ).toBeUndefined();
    expect(ground('Authorities held political prisoners incommunicado.', 'political-opinion')?.terms).toEqual(
      ['political prisoners'],
    );
  });

  it('reads "reported no incidents" as an absence', () => {
    expect(
      ground(
        'The Jewish population was approximately 1,500 persons. Jewish community representatives reported no antisemitic incidents.',
        'religion',
      ),
    ).toBeUndefined();
  });

  it('reads consensual same-sex conduct that is not a crime as an absence, not a crime missing from the law', () => {
    expect(
      ground(
        'Criminalization: The law did not criminalize consensual same-sex sexual conduct between adults, cross-dressing, or other sexual or gender characteristic-related behaviors.',
        'particular-social-group',
      ),
    ).toBeUndefined();
    expect(
      ground(
        'The legal definition of rape did not include spousal rape or intimate partner rape.',
        'particular-social-group',
      )?.terms,
    ).toEqual(expect.arrayContaining(['spousal rape']));
  });

  it('counts restrictions specific to refugees, not their access or a name', () => {
    expect(
      ground(
        'Refugees, in particular non-Arabic-speaking refugees from Sudan, faced barriers to accessing some services, including health care and public education.',
        'nationality',
      )?.terms,
    ).toEqual(['refugees']);
    expect(
      ground(
        'Most refugees enjoyed access to asylum; relative freedom of movement; freedom of residence; the right to registration and documentation; and access to justice, education, health care, and employment.',
        'nationality',
      ),
    ).toBeUndefined();
    expect(
      ground(
        'Chinese individuals posted numerous comments online calling for the Shanghai Jewish Refugees Museum to be demolished.',
        'nationality',
      ),
    ).toBeUndefined();
  });

  it('counts a fallen government’s officials where harm or the association is reported, not where it dates a law', () => {
    const killed =
      'Members of the Taliban reportedly killed persons in retaliation for their association with the pre-August 2021 government.';
    expect(ground(killed, 'particular-social-group')?.terms).toEqual(['pre-august 2021 government']);
    expect(ground(killed, 'political-opinion')?.terms).toEqual(
      expect.arrayContaining(['pre-august 2021 government']),
    );
    const law =
      'The law under the pre-August 2021 government provided criminal penalties for corruption by government officials.';
    expect(ground(law, 'particular-social-group')).toBeUndefined();
    expect(ground(law, 'political-opinion')).toBeUndefined();
  });

  it('tells NGOs and unionists who are repressed from NGOs that report and from labour law', () => {
    expect(
      ground(
        'Several NGOs reported cases of torture and cruel, inhuman, and degrading treatment by police.',
        'political-opinion',
      ),
    ).toBeUndefined();
    // The verb of a later clause ("it stipulated that NGOs found …") does not make the NGOs a source.
    expect(
      ground(
        'The law provided no appeals process for NGOs denied registration, and it stipulated that NGOs found to have violated certain legal provisions could be banned from operating in the country.',
        'political-opinion',
      )?.terms,
    ).toEqual(['ngos']);
    expect(
      ground(
        'The law prohibited antiunion discrimination and provided for the reinstatement of workers fired for legal union activities.',
        'political-opinion',
      ),
    ).toBeUndefined();
    expect(
      ground(
        'Many employers in the formal sector continued to blacklist or fire union members and did not reinstate them.',
        'political-opinion',
      )?.terms,
    ).toEqual(['union members']);
  });

  it('counts party supporters, anti-corruption prosecutors and judges, and those charged with joining a group, where they are repressed', () => {
    // Real sentences (Uganda, Guatemala and Egypt 2023): supporters named by their party's initials, those
    // who fight corruption, and the charge of joining a banned group are actual or imputed political opinion.
    expect(
      ground(
        'Military courts prosecuted NUP supporters wearing red berets, a clothing item common to both NUP and the military.',
        'political-opinion',
      )?.terms,
    ).toEqual(['supporters']);
    expect(
      ground(
        'Prominent anti-corruption prosecutors were arrested, fired, or removed from significant cases, and corrupt actors threatened independent judges by filing complaints based on spurious charges.',
        'political-opinion',
      )?.terms,
    ).toEqual(expect.arrayContaining(['anti-corruption prosecutors', 'independent judges']));
    expect(
      ground(
        'In April, Ahmed Sabry Nassef was recycled into a sixth case on similar charges of joining a terrorist group, which his lawyers and rights groups denounced as a violation of due process.',
        'political-opinion',
      )?.terms,
    ).toEqual(['joining']);
    // Without the harm, or with "charges" as the object of the evidence, they are not.
    expect(
      ground(
        'Despite numerous allegations of corruption in all branches of the government, few high-level cases were investigated, and anti-corruption efforts within the judiciary stalled.',
        'political-opinion',
      ),
    ).toBeUndefined();
    expect(
      ground(
        'Those informed of the charges rarely had access to evidence supporting the charges.',
        'political-opinion',
      ),
    ).toBeUndefined();
  });

  it('reads the clause a source reports as what was done, not as another source', () => {
    expect(
      ground(
        'A study by the Cuban Observatory of Human Rights noted that relatives of political prisoners were often fired from their jobs or had their private business licenses canceled.',
        'particular-social-group',
      )?.terms,
    ).toEqual(['relatives']);
    expect(
      ground(
        'According to relatives of the detainees, guards beat the prisoners.',
        'particular-social-group',
      ),
    ).toBeUndefined();
  });

  it('reads a source that reports harm to itself as its target', () => {
    expect(
      ground(
        'Some detainees and their relatives reported receiving death threats.',
        'particular-social-group',
      )?.terms,
    ).toEqual(['relatives']);
    expect(
      ground('Relatives reported that guards beat the detainees.', 'particular-social-group'),
    ).toBeUndefined();
  });

  it('reads activists for a group’s rights, and sources named with a "+", as what they are', () => {
    expect(
      ground(
        'Civil society organizations and LGBTQI+ activists often cited social stigma against HIV and AIDS as a barrier for accessing health services.',
        'political-opinion',
      ),
    ).toBeUndefined();
    expect(
      ground(
        'According to the report, LGBTQI+ activists and gay and transgender individuals often experienced police abuse.',
        'political-opinion',
      ),
    ).toBeUndefined();
  });

  it('counts every group an Executive Summary lists as a target, not only those next to the harm', () => {
    const finding =
      'Criminal groups committed acts of homicide, torture, kidnapping, extortion, human trafficking, intimidation, and other threats and violence directed against human rights defenders, judicial authorities, lawyers, business community members, journalists, bloggers, women, and other vulnerable populations.';
    expect(ground(finding, 'particular-social-group', ['Executive Summary'])?.terms).toEqual(['women']);
    // Elsewhere the harm must stand next to the women.
    expect(
      ground(finding, 'particular-social-group', ['Section 1. Respect for the Integrity of the Person']),
    ).toBeUndefined();
  });

  it('counts the state’s hold on a faith and the exclusion of minorities, not only violence', () => {
    expect(
      ground(
        'Authorities ignored applications for legal recognition from new groups, including several new religious groups.',
        'religion',
      )?.terms,
    ).toEqual(['religious groups']);
    expect(
      ground(
        'Taliban officials were overwhelmingly Pashtun men and were uninterested in the participation of other ethnic groups and women in power.',
        'race',
      )?.terms,
    ).toEqual(['ethnic']);
  });

  it('counts treatment of refugees under the Protection of Refugees subsections on it, not the asylum system', () => {
    const refugees = ['Section 2. Respect for Civil Liberties', 'e. Protection of Refugees'];
    expect(
      ground(
        'Freedom of Movement: The government required asylum seekers to obtain permits from authorities in advance of any travel outside their prefecture of residence.',
        'nationality',
        [...refugees, 'Freedom of Movement'],
      )?.terms,
    ).toEqual(['§ Freedom of Movement']);
    expect(
      ground(
        'Access to Asylum: The law provided for the granting of asylum or refugee status, and the government had established a system for providing protection to refugees.',
        'nationality',
        [...refugees, 'Access to Asylum'],
      ),
    ).toBeUndefined();
    expect(
      ground(
        'Salaries lower than the minimum wage remained prevalent in the public works sector, where many positions required unskilled labor, as well as in domestic work, where women refugees were particularly vulnerable to unfair labor practices.',
        'nationality',
      )?.terms,
    ).toEqual(['women refugees']);
    expect(
      ground(
        'While agencies made significant efforts to support those refugees who were most vulnerable, the shortage of land remained a central problem hindering the ability of Rohingya to access basic services.',
        'nationality',
      ),
    ).toBeUndefined();
  });

  it('counts dress codes and bans imposed on a faith, not a guardianship rule', () => {
    expect(
      ground(
        'In April, the Ministry of Education stated it would no longer provide educational services to students in schools and universities who did not follow dress codes, including wearing headscarves.',
        'religion',
      )?.terms,
    ).toEqual(['headscarves']);
    expect(
      ground(
        'On July 12, the Ministry of Territorial Administration issued a ban on the activities of the Evangelical Church of Cameroon.',
        'religion',
      )?.terms,
    ).toEqual(['evangelical']);
    expect(
      ground(
        'There were reports of women facing difficulties entering health clinics when they were not accompanied by a mahram.',
        'religion',
      ),
    ).toBeUndefined();
  });

  it('reads Xinjiang as the peoples its controls target, and ethnic armed organisations as actors', () => {
    expect(
      ground(
        'In February the NGO Jamestown Foundation’s China Brief published findings that Xinjiang’s coercive labor transfer program exceeded state quotas in 2023, continued into the year, and would continue at least through 2025.',
        'race',
      )?.terms,
    ).toEqual(['xinjiang']);
    expect(
      ground(
        'Radio Free Asia (RFA) reported on an article at the news site Caixin focused on the November 2023 trial of eight Xinjiang police officers for the torture and ultimate death of a private individual (Sun Renze) while he was in police custody in 2018.',
        'race',
      ),
    ).toBeUndefined();
    expect(
      ground(
        'Reports of killings, disappearances, excessive use of force, disregard for civilian life, sexual and gender-based violence, and other abuses committed by regime security forces were common; some ethnic armed organizations (EAOs) and PDF groups were accused of similar abuses.',
        'race',
      ),
    ).toBeUndefined();
    expect(
      ground(
        'Rohingya continued to face severe discrimination based on their ethnicity and religion.',
        'race',
      )?.terms,
    ).toEqual(['rohingya', 'ethnicity']);
  });

  it('tags topics and legal elements', () => {
    expect(tag('Female genital mutilation/cutting (FGM/C) remained common.', 'topic', 'fgm')?.terms).toEqual(
      expect.arrayContaining(['female genital mutilation', 'fgm']),
    );
    expect(tag('MS-13 and Barrio 18 extorted bus drivers.', 'topic', 'gangs')?.terms).toEqual(
      expect.arrayContaining(['ms-13', 'barrio 18', 'extorted']),
    );
    const nexus = 'Police beat Christian converts because of their religion.';
    expect(tag(nexus, 'element', 'nexus')?.terms).toEqual(['because of their']);
    // Nexus needs a ground on the same passage.
    expect(tag('He was fired because of their complaints.', 'element', 'nexus')).toBeUndefined();
    expect(
      tag('Gangs operated with the acquiescence of local police.', 'element', 'cat-acquiescence')?.terms,
    ).toEqual(['acquiescence']);
  });
});
