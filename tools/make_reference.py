#!/usr/bin/env python3
"""Builds data/reference/*.csv and data/regions/*.csv from the source tables
in ../shared/data/country-reference (run from the repository root:
`python3 tools/make_reference.py ../shared`). Deterministic; the outputs are
committed, so the product never reads ../shared."""
import csv, sys, os, unicodedata

shared = sys.argv[1] if len(sys.argv) > 1 else '../shared'
src = os.path.join(shared, 'data', 'country-reference')
out = 'data/reference'
reg = 'data/regions'

def rows(p):
    with open(p, encoding='utf-8-sig', newline='') as f:
        return list(csv.DictReader(f))

cc = rows(os.path.join(src, 'country-codes.csv'))
wb = rows(os.path.join(src, 'world_bank_countries.csv'))
cl = rows(os.path.join(src, 'countrycode_dictionary', 'codelist.csv'))
apt = rows(os.path.join(src, 'apt_members.csv'))

wb_by = {r['iso3c']: r for r in wb}
countries = {}
for r in cc:
    iso3 = r['ISO3166-1-Alpha-3'].strip()
    if not iso3:
        continue
    w = wb_by.get(iso3, {})
    countries[iso3] = {
        'iso3': iso3,
        'iso2': r['ISO3166-1-Alpha-2'].strip(),
        'numeric': r['ISO3166-1-numeric'].strip().lstrip('0') or '0',
        'name': r['CLDR display name'].strip() or r['UNTERM English Short'].strip(),
        'un_region': r['Region Name'].strip(),
        'un_subregion': r['Sub-region Name'].strip(),
        'un_intermediate_region': r['Intermediate Region Name'].strip(),
        'wb_region': w.get('region', ''),
        'wb_income': w.get('income', ''),
    }
# World Bank economies with no ISO code of their own (Kosovo, Channel Islands)
for r in wb:
    if r['region'] != 'Aggregates' and r['iso3c'] not in countries:
        countries[r['iso3c']] = {
            'iso3': r['iso3c'], 'iso2': r['iso2c'], 'numeric': '', 'name': r['country'],
            'un_region': '', 'un_subregion': '', 'un_intermediate_region': '',
            'wb_region': r['region'], 'wb_income': r['income'],
        }
cols = ['iso3', 'iso2', 'numeric', 'name', 'un_region', 'un_subregion', 'un_intermediate_region', 'wb_region', 'wb_income']
with open(os.path.join(out, 'countries.csv'), 'w', newline='', encoding='utf-8') as f:
    w = csv.DictWriter(f, cols, lineterminator='\n')
    w.writeheader()
    for k in sorted(countries):
        w.writerow(countries[k])

def norm(s):
    s = unicodedata.normalize('NFKD', s).encode('ascii', 'ignore').decode()
    return ' '.join(s.lower().replace('&', ' and ').replace(',', ' ').replace('.', ' ').replace('(', ' ').replace(')', ' ').replace("'", '').replace('-', ' ').split())

aliases = {}
def add(name, iso3, source):
    name = name.strip()
    if not name or iso3 not in countries:
        return
    k = norm(name)
    if k and k not in aliases:
        aliases[k] = (name, iso3, source)

for r in cc:
    iso3 = r['ISO3166-1-Alpha-3'].strip()
    for col in ['CLDR display name', 'UNTERM English Short', 'UNTERM English Formal', 'official_name_en']:
        add(r[col], iso3, 'country-codes ' + col)
for r in wb:
    if r['region'] != 'Aggregates':
        add(r['country'], r['iso3c'], 'World Bank')
for r in cl:
    iso3 = r['iso3c'] or r['wb']
    for col in ['country.name.en', 'un.name.en', 'iso.name.en', 'cow.name', 'p4.name', 'vdem.name']:
        add(r.get(col, ''), iso3, 'countrycode ' + col)
for r in apt:
    add(r['name'], r['iso3'], 'APT')
# spellings the sources use that no dictionary lists
CURATED = [
    ('UK', 'GBR'), ('Great Britain', 'GBR'), ('Britain', 'GBR'), ('USA', 'USA'), ('US', 'USA'),
    ('South Korea', 'KOR'), ('Korea, South', 'KOR'), ('Korea', 'KOR'), ('North Korea', 'PRK'),
    ('Burma', 'MMR'), ('Laos', 'LAO'), ('Lao', 'LAO'), ('Iran', 'IRN'), ('Russia', 'RUS'), ('Syria', 'SYR'),
    ('Vietnam', 'VNM'), ('Viet Nam', 'VNM'), ('Taiwan', 'TWN'), ('Chinese Taipei', 'TWN'),
    ('Hong Kong', 'HKG'), ('Macau', 'MAC'), ('Macao', 'MAC'), ('Turkey', 'TUR'), ('Türkiye', 'TUR'),
    ('Turkiye', 'TUR'), ('Czech Republic', 'CZE'), ('Czechia', 'CZE'), ('Ivory Coast', 'CIV'),
    ("Cote d'Ivoire", 'CIV'), ('Cape Verde', 'CPV'), ('Swaziland', 'SWZ'), ('Eswatini', 'SWZ'),
    ('Macedonia', 'MKD'), ('North Macedonia', 'MKD'), ('Moldova', 'MDA'), ('Bolivia', 'BOL'),
    ('Venezuela', 'VEN'), ('Tanzania', 'TZA'), ('Palestine', 'PSE'), ('State of Palestine', 'PSE'),
    ('Brunei', 'BRN'), ('East Timor', 'TLS'), ('Timor Leste', 'TLS'), ('Kyrgyzstan', 'KGZ'),
    ('Micronesia', 'FSM'), ('Congo, Dem. Rep.', 'COD'), ('DR Congo', 'COD'), ('Democratic Republic of Congo', 'COD'),
    ('Congo, Rep.', 'COG'), ('Republic of Congo', 'COG'), ('Gambia', 'GMB'), ('Bahamas', 'BHS'),
    ('Slovak Republic', 'SVK'), ('Kosovo', 'XKX'), ('UAE', 'ARE'), ('Saint Lucia', 'LCA'),
    ('Netherlands Antilles', 'ANT'), ('Curacao', 'CUW'), ('Sint Maarten', 'SXM'),
    # Gapminder geo ids that are not lower-case ISO codes
    ('kos', 'XKX'), ('nld_curacao', 'CUW'), ('gbm', 'IMN'), ('chanisl', 'CHI'),
    # NCSES spellings
    ('Bahamas, The', 'BHS'), ('Gambia, The', 'GMB'), ('Congo, Democratic Republic of the', 'COD'),
    ('Congo, Republic of the', 'COG'), ('Micronesia, Federated States of', 'FSM'),
    ('Holy See (Vatican City)', 'VAT'), ('Faeroe Islands', 'FRO'), ('Sao Tome and Principe', 'STP'), ('Cabo Verde', 'CPV'),
]
for name, iso3 in CURATED:
    k = norm(name)
    if iso3 in countries:
        aliases[k] = (name, iso3, 'curated')
with open(os.path.join(out, 'country_aliases.csv'), 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['alias', 'iso3', 'source'])
    for k in sorted(aliases):
        w.writerow(aliases[k])

with open(os.path.join(out, 'country_regex.csv'), 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['iso3', 'regex'])
    for r in cl:
        iso3 = r['iso3c'] or r['wb']
        if iso3 in countries and r['country.name.en.regex']:
            w.writerow([iso3, r['country.name.en.regex']])

# aggregates the sources report next to countries (never resolved as countries)
aggs = [(r['iso3c'], r['country'], 'World Bank aggregate') for r in wb if r['region'] == 'Aggregates']
aggs += [(r['iso3c'], r['iso3c'], 'World Bank aggregate code') for r in wb if r['region'] == 'Aggregates']
EXTRA_AGGS = [
    ('WLD', 'World'), ('EUU', 'EU'), ('EUU', 'EU-27'), ('EUU', 'EU27'), ('EUU', 'European Union (27)'),
    ('OED', 'OECD'), ('OED', 'OECD countries'), ('HIC', 'High-income countries'), ('LIC', 'Low-income countries'),
    ('LMC', 'Lower-middle-income countries'), ('UMC', 'Upper-middle-income countries'), ('ROW', 'Rest of world'),
    ('ROW', 'Rest of the world'), ('ROW', 'Other'), ('', 'Africa'), ('', 'Asia'), ('', 'Europe'), ('', 'North America'),
    ('', 'South America'), ('', 'Oceania'), ('', 'Middle East'), ('', 'Central Asia'), ('', 'South Asia'),
    ('', 'Southeast Asia'), ('', 'East Asia'), ('', 'Central and South Asia'), ('', 'Eastern Europe'),
    ('', 'Developing countries'), ('', 'Very high human development'), ('', 'High human development'),
    ('', 'Medium human development'), ('', 'Low human development'), ('', 'Arab States'),
    ('', 'East Asia and the Pacific'), ('', 'Europe and Central Asia'), ('', 'Latin America and the Caribbean'),
    ('', 'Sub-Saharan Africa'), ('', 'Least developed countries'), ('', 'Small island developing states'),
    # NCSES groupings and parts of countries reported separately
    ('', 'EU-27 and UK'), ('', 'EU-27 and United Kingdom'), ('', 'Australia and Oceania'), ('', 'Australia/Oceania'),
    ('', 'Other Europe'), ('', 'Other Europe, 2020'), ('', 'Other Europe 2020'), ('', 'Central America and Caribbean'),
    ('', 'Unassigned'), ('', 'Not United States'),
    # OWID names for World Bank groupings
    ('', 'East Asia and Pacific (WB)'), ('', 'Europe and Central Asia (WB)'), ('', 'Latin America and Caribbean (WB)'),
    ('', 'Middle East and North Africa (WB)'), ('', 'North America (WB)'), ('', 'South Asia (WB)'),
    ('', 'Sub-Saharan Africa (WB)'), ('MIC', 'Middle-income countries'),
    # former countries (Gapminder ids and names)
    ('SUN', 'ussr'), ('YUG', 'yug'), ('CSK', 'cheslo'), ('ANT', 'ant'), ('', 'hos'), ('', 'gbg'), ('DDR', 'deu_east'),
    ('SCG', 'scg'), ('SCG', 'Serbia and Montenegro'), ('', 'yem_north'), ('', 'yem_south'), ('', 'deu_west'),
    ('', 'stbar'), ('', 'stmar'), ('SUN', 'USSR'), ('YUG', 'Yugoslavia'), ('CSK', 'Czechoslovakia'),
]
aggs += [(c, n, 'curated') for c, n in EXTRA_AGGS]
with open(os.path.join(out, 'aggregates.csv'), 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['code', 'name', 'source'])
    seen = set()
    for c, n, s in aggs:
        if norm(n) not in seen:
            seen.add(norm(n))
            w.writerow([c, n, s])

# ---- parts of countries that sources report separately: summed into the
# whole where the catalogue says the indicator adds up (counts), skipped otherwise
# (spelling, the part it names, the country; a sum needs every part of its country)
PARTS = [
    ('Gaza Strip', 'Gaza Strip', 'PSE', 'NCSES S&E Indicators 2024 reports Palestine as its two territories'),
    ('Gaza Stripe', 'Gaza Strip', 'PSE', 'NCSES table 9968: "Gaza Strip" with a footnote letter glued on'),
    ('West Bank', 'West Bank', 'PSE', 'NCSES S&E Indicators 2024 reports Palestine as its two territories'),
    ('West Banke', 'West Bank', 'PSE', 'NCSES table 9968: "West Bank" with a footnote letter glued on'),
]
with open(os.path.join(out, 'country_parts.csv'), 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['spelling', 'part', 'iso3', 'source'])
    for spelling, part, iso3, source in PARTS:
        assert iso3 in countries, iso3
        w.writerow([spelling, part, iso3, source])

# ---- region sets
def region(name, members, title, source):
    members = sorted(set(members))
    missing = [m for m in members if m not in countries]
    assert not missing, (name, missing)
    with open(os.path.join(reg, name + '.csv'), 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['iso3'])
        for m in members:
            w.writerow([m])
    return (name, title, len(members), source)

sets = []
sets.append(region('apt', [r['iso3'] for r in apt if r['status'] == 'member'], 'Asia-Pacific Telecommunity: the 38 members',
    'shared/data/country-reference/apt_members.csv (status = member); see its evidence column'))
sets.append(region('apt_all', [r['iso3'] for r in apt], 'Asia-Pacific Telecommunity: 38 members and 4 associate members',
    'shared/data/country-reference/apt_members.csv'))
ME = ['IRN', 'TUR', 'SAU', 'ISR', 'EGY', 'ARE', 'IRQ', 'QAT', 'JOR', 'LBN', 'OMN', 'KWT', 'PSE', 'BHR', 'YEM', 'SYR']
sets.append(region('middle_east', ME, 'Middle East as Scimago (SJR) groups it: 16 countries', 'Scimago Journal & Country Rank region "Middle East"'))
sets.append(region('persian_gulf', ['IRN', 'IRQ', 'KWT', 'SAU', 'BHR', 'QAT', 'ARE', 'OMN'], 'The eight Persian Gulf littoral states', 'geography'))
sets.append(region('gcc', ['SAU', 'KWT', 'BHR', 'QAT', 'ARE', 'OMN'], 'Gulf Cooperation Council (6 members)', 'GCC Charter (1981)'))
sets.append(region('asean', ['BRN', 'KHM', 'IDN', 'LAO', 'MYS', 'MMR', 'PHL', 'SGP', 'THA', 'VNM'], 'ASEAN (10 members)', 'ASEAN Charter; Timor-Leste not included'))
sets.append(region('saarc', ['AFG', 'BGD', 'BTN', 'IND', 'MDV', 'NPL', 'PAK', 'LKA'], 'SAARC (8 members)', 'SAARC Charter (1985, Afghanistan 2007)'))
# Middle East as NCSES (S&E Indicators 2024) groups it: its "Middle East" row
# equals the sum of these members' fractional article counts (2003-2022, to
# within 2 articles); Turkey and Egypt are not in it, the South Caucasus is
NCSES_ME = ['BHR', 'IRN', 'IRQ', 'ISR', 'JOR', 'KWT', 'LBN', 'OMN', 'PSE', 'QAT', 'SAU', 'SYR', 'ARE', 'YEM', 'ARM', 'AZE', 'GEO']
sets.append(region('ncses_middle_east', NCSES_ME, 'Middle East as NCSES (S&E Indicators) groups it: 17 countries',
    'NCSES S&E Indicators 2024: members whose fractional counts sum to its "Middle East" row (tested)'))
ESCAP = ['AFG', 'ARM', 'AUS', 'AZE', 'BGD', 'BTN', 'BRN', 'KHM', 'CHN', 'PRK', 'FJI', 'FRA', 'GEO', 'IND', 'IDN', 'IRN', 'JPN',
         'KAZ', 'KIR', 'KGZ', 'LAO', 'MYS', 'MDV', 'MHL', 'FSM', 'MNG', 'MMR', 'NRU', 'NPL', 'NLD', 'NZL', 'PAK', 'PLW', 'PNG',
         'PHL', 'KOR', 'RUS', 'WSM', 'SGP', 'SLB', 'LKA', 'TJK', 'THA', 'TLS', 'TON', 'TUR', 'TKM', 'TUV', 'GBR', 'USA', 'UZB',
         'VUT', 'VNM']
assert len(ESCAP) == 53
sets.append(region('escap', ESCAP, 'UN ESCAP: the 53 member states', 'unescap.org/about/member-states (53 members, 9 associate members)'))
sets.append(region('escap_asia_pacific', [c for c in ESCAP if c not in ('FRA', 'NLD', 'GBR', 'USA')],
    'UN ESCAP: the 49 regional member states (Asia and the Pacific)', 'unescap.org/about/member-states: members less France, the Netherlands, the UK and the US'))
sets.append(region('escap_south_and_south_west_asia', ['AFG', 'BGD', 'BTN', 'IND', 'IRN', 'MDV', 'NPL', 'PAK', 'LKA', 'TUR'],
    'UN ESCAP subregion South and South-West Asia (10 countries, with Iran and Turkey)',
    'unescap.org subregional office for South and South-West Asia (New Delhi): its member States'))
OIC = ['AFG', 'ALB', 'DZA', 'AZE', 'BHR', 'BGD', 'BEN', 'BRN', 'BFA', 'CMR', 'TCD', 'COM', 'CIV', 'DJI', 'EGY', 'GAB', 'GMB',
       'GIN', 'GNB', 'GUY', 'IDN', 'IRN', 'IRQ', 'JOR', 'KAZ', 'KWT', 'KGZ', 'LBN', 'LBY', 'MYS', 'MDV', 'MLI', 'MRT', 'MAR',
       'MOZ', 'NER', 'NGA', 'OMN', 'PAK', 'PSE', 'QAT', 'SAU', 'SEN', 'SLE', 'SOM', 'SDN', 'SUR', 'SYR', 'TJK', 'TGO', 'TUN',
       'TUR', 'TKM', 'UGA', 'ARE', 'UZB', 'YEM']
assert len(OIC) == 57
sets.append(region('oic', OIC, 'Organisation of Islamic Cooperation: 57 member states', 'oic-oci.org member states (Syria suspended since 2012, still a member)'))
sets.append(region('eco', ['AFG', 'AZE', 'IRN', 'KAZ', 'KGZ', 'PAK', 'TJK', 'TUR', 'TKM', 'UZB'], 'Economic Cooperation Organization (10 members)',
    'eco.int member states (Treaty of Izmir, 1992 enlargement)'))
def slug(s):
    return '_'.join(''.join(ch if ch.isalnum() else ' ' for ch in norm(s)).split())
for col, prefix, title in [('un_region', 'un_', 'UN M49 region'), ('un_subregion', 'un_', 'UN M49 sub-region'),
                           ('wb_region', 'wb_', 'World Bank region'), ('wb_income', 'wb_', 'World Bank income group')]:
    vals = sorted({c[col] for c in countries.values() if c[col]})
    for v in vals:
        sets.append(region(prefix + slug(v), [c['iso3'] for c in countries.values() if c[col] == v], f'{title}: {v}',
                           'shared/data/country-reference/' + ('country-codes.csv' if col.startswith('un') else 'world_bank_countries.csv')))
with open(os.path.join(reg, 'regions.csv'), 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['name', 'title', 'members', 'source'])
    for s in sets:
        w.writerow(s)
print(len(countries), 'countries,', len(aliases), 'aliases,', len(sets), 'region sets')
