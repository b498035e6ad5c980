//! Reading API responses at their real sizes: a whole World Bank indicator
//! on one page (266 economies × 65 years = 17,290 rows), a full UN SDG page
//! (5,000 data) and a page of 200 OpenAlex groups. The network dominates a
//! fetch; these show the reading does not. Run: `cargo bench -p digindex-fetch`.

use criterion::{Criterion, criterion_group, criterion_main};
use digindex_fetch::api::{openalex, sdg, worldbank};

fn worldbank_page() -> Vec<u8> {
    let mut rows = Vec::with_capacity(17_290);
    for e in 0..266 {
        for y in 1960..2025 {
            let v = if (e + y) % 7 == 0 { "null".to_string() } else { format!("{}.{}", (e * y) % 100, e % 10) };
            rows.push(format!(
                r#"{{"indicator":{{"id":"IT.NET.USER.ZS","value":"Individuals using the Internet (% of population)"}},"country":{{"id":"X{e}","value":"Economy {e}"}},"countryiso3code":"E{e:02}","date":"{y}","value":{v},"unit":"","obs_status":"","decimal":1}}"#
            ));
        }
    }
    format!(r#"[{{"page":1,"pages":1,"per_page":20000,"total":{}}},[{}]]"#, rows.len(), rows.join(",")).into_bytes()
}

fn sdg_page() -> Vec<u8> {
    let data: Vec<String> = (0..5000)
        .map(|i| {
            format!(
                r#"{{"goal":["9"],"series":"IT_MOB_4GNTWK","seriesDescription":"Proportion of population covered by at least a 4G mobile network (%)","geoAreaCode":"{}","geoAreaName":"Area {i}","timePeriodStart":{}.0,"value":"{}.5","attributes":{{"Nature":"C","Units":"PERCENT"}},"dimensions":{{"Location":"ALLAREA"}}}}"#,
                i % 250,
                2000 + i / 250,
                i % 100
            )
        })
        .collect();
    format!(r#"{{"size":5000,"totalElements":5000,"totalPages":1,"pageNumber":1,"data":[{}]}}"#, data.join(","))
        .into_bytes()
}

fn openalex_page() -> Vec<u8> {
    let groups: Vec<String> = (0..200)
        .map(|i| {
            let k = format!("{}{}", (b'A' + (i / 26) as u8) as char, (b'A' + (i % 26) as u8) as char);
            format!(
                r#"{{"key":"https://openalex.org/countries/{k}","key_display_name":"Country {k}","count":{}}}"#,
                i * 37
            )
        })
        .collect();
    format!(r#"{{"meta":{{"count":1,"per_page":200,"next_cursor":"abc","groups_count":200}},"results":[],"group_by":[{}]}}"#, groups.join(","))
        .into_bytes()
}

fn bench(c: &mut Criterion) {
    let (wb, sd, oa) = (worldbank_page(), sdg_page(), openalex_page());
    let mut g = c.benchmark_group("parse");
    g.bench_function("worldbank 17,290 rows", |b| b.iter(|| worldbank::parse("u", &wb).expect("parse")));
    g.bench_function("sdg 5,000 data", |b| b.iter(|| sdg::parse("u", &sd).expect("parse")));
    g.bench_function("openalex 200 groups", |b| b.iter(|| openalex::parse("u", &oa).expect("parse")));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
