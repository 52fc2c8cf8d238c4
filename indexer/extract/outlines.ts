/**
 * Headings of the publishers' standard outlines. Plain text has no fonts, so a heading is a guess from the
 * shape of a line; where a publisher's outline is known, its headings settle the guess: a known heading is
 * a heading even when it reads like a sentence, a wrapped heading continues while the joined lines are
 * still a known heading's beginning, and it stops once they make a whole one ("e. Instances of
 * Transnational Repression" followed by "Efforts to Control Mobility" is two headings, not one).
 */

/** U.S. Department of State, Country Reports on Human Rights Practices: the 2023 and the 2024 outlines. */
const STATE_DEPARTMENT_HRR = [
  'Executive Summary',
  // 2023 outline
  'Section 1. Respect for the Integrity of the Person',
  'a. Arbitrary Deprivation of Life and Other Unlawful or Politically Motivated Killings',
  'b. Disappearance',
  'c. Torture and Other Cruel, Inhuman, or Degrading Treatment or Punishment, and Other Related Abuses',
  'Prison and Detention Center Conditions',
  'd. Arbitrary Arrest or Detention',
  'Arrest Procedures and Treatment of Detainees',
  'e. Denial of Fair Public Trial',
  'Trial Procedures',
  'Political Prisoners and Detainees',
  'f. Transnational Repression',
  'g. Property Seizure and Restitution',
  'h. Arbitrary or Unlawful Interference with Privacy, Family, Home, or Correspondence',
  'i. Conflict-related Abuses',
  'Section 2. Respect for Civil Liberties',
  'a. Freedom of Expression, Including for Members of the Press and Other Media',
  'a. Freedom of Expression, Including for the Members of the Press and Other Media',
  'Internet Freedom',
  'b. Freedoms of Peaceful Assembly and Association',
  'Freedom of Peaceful Assembly',
  'Freedom of Association',
  'c. Freedom of Religion',
  'd. Freedom of Movement and the Right to Leave the Country',
  'd. Freedom of Movement and Right to Leave the Country',
  'e. Protection of Refugees',
  'f. Status and Treatment of Internally Displaced Persons (IDPs)',
  'f. Status and Treatment of Internally Displaced Persons',
  'g. Stateless Persons',
  'Section 3. Freedom to Participate in the Political Process',
  'Elections and Political Participation',
  'Section 4. Corruption in Government',
  'Section 5. Governmental Posture Towards International and Nongovernmental Monitoring and Investigation of Alleged Abuses of Human Rights',
  'Section 5. Government Posture Towards International and Nongovernmental Monitoring and Investigation of Alleged Abuses of Human Rights',
  'Section 6. Discrimination and Societal Abuses',
  'Women',
  'Systemic Racial or Ethnic Violence and Discrimination',
  'Indigenous Peoples',
  'Children',
  'Antisemitism',
  'Trafficking in Persons',
  'Acts of Violence, Criminalization, and Other Abuses Based on Sexual Orientation, Gender Identity or Expression, or Sex Characteristics',
  'Persons with Disabilities',
  'Other Societal Violence or Discrimination',
  'Section 7. Worker Rights',
  'a. Freedom of Association and the Right to Collective Bargaining',
  'b. Prohibition of Forced or Compulsory Labor',
  'c. Prohibition of Child Labor and Minimum Age for Employment',
  'd. Discrimination (see section 6)',
  'e. Acceptable Conditions of Work',
  // 2024 outline
  'Section 1. Life',
  'a. Extrajudicial Killings',
  'b. Coercion in Population Control',
  'c. War Crimes, Crimes against Humanity, and Evidence of Acts that May Constitute Genocide, or Conflict-Related Abuses',
  'c. War Crimes, Crimes against Humanity, and Evidence of Acts that May Constitute Genocide',
  'Child Soldiers',
  'Section 2. Liberty',
  'a. Freedom of the Press',
  'Physical Attacks, Imprisonment, and Pressure',
  'Censorship by Governments, Military, Intelligence, or Police Forces, Criminal Groups, or Armed Extremist or Rebel Groups',
  'Efforts to Preserve the Independence of the Media',
  'b. Worker Rights',
  'Freedom of Association and Collective Bargaining',
  'Forced or Compulsory Labor',
  'Acceptable Work Conditions',
  'Wage and Hour Laws',
  'Occupational Safety and Health',
  'Wage, Hour, and OSH Enforcement',
  'c. Disappearance and Abduction',
  'Disappearance',
  'Prolonged Detention without Charges',
  'd. Violations in Religious Freedom',
  'e. Trafficking in Persons',
  'Section 3. Security of the Person',
  'a. Torture and Cruel, Inhuman, or Degrading Treatment or Punishment',
  'Forced Organ Harvesting',
  'b. Protection of Children',
  'Child Labor',
  'Child Marriage',
  'c. Protection to Refugees',
  'Provision of First Asylum',
  'Resettlement',
  'd. Acts of Antisemitism and Antisemitic Incitement',
  'e. Instances of Transnational Repression',
  'Extraterritorial Killing, Kidnapping, or Violence or Threats of Violence',
  'Threats, Harassment, Surveillance, or Coercion',
  'Misuse of International Law Enforcement Tools',
  'Efforts to Control Mobility',
  'Bilateral Pressure',
];

function key(heading: string): string {
  return heading.normalize('NFC').replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();
}

const KNOWN = new Set(STATE_DEPARTMENT_HRR.map(key));

/** "a. Torture and Cruel, Inhuman, or Degrading Treatment or" is the start of a known heading. */
export function isKnownHeading(text: string): boolean {
  return KNOWN.has(key(text));
}

export function startsKnownHeading(text: string): boolean {
  const start = `${key(text)} `;
  for (const heading of KNOWN) if (heading.startsWith(start)) return true;
  return false;
}
