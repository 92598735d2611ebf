// Task text for case 1, in our own words; keeps every definition, convention, unit and decision rule.

export const txrPrompt = `You are analysing a simulated somatic-oncology data set; treat it exactly as you would real
observational data. TXR1 is a target that some tumours activate through a structural variant (SV).
TXR1i is a TXR1 inhibitor; the comparator is any non-TXR1 systemic therapy. DLR1 is a germline
pharmacogene whose star alleles affect exposure to TXR1i.

Question. Among eligible patients (analysis_set = 1) whose tumour's TXR1 activation at time zero is driven
by a structural variant (the target subgroup), estimate:
1. the marginal effect of TXR1i versus non-TXR1 systemic therapy on week-16 clinical benefit, as if every
   patient had an assessable week-16 visit (risk difference, TXR1i minus comparator);
2. the 8-week treatment-limiting toxicity / discontinuation risk if this same population received TXR1i.
You must recover the target subgroup yourself from the long-read SV, expression, tumour-quality and
pharmacogenomic evidence. A patient can only be classified from a usable tumour sample collected on or
before time zero; usable means the laboratory's acceptance criteria: tumour purity at least 0.2, read N50
at least 10 kb and library QC passed. Patients without such a sample are outside the target subgroup (the
estimand is defined over patients who can be classified at time zero); say how many you excluded.

Files in your workspace (tab-separated, gzip-compressed):
- registry.tsv.gz — one row per patient: patient_id, analysis_set (1 = eligible), age, sex, site,
  calendar_period, ecog, tumor_burden, prior_lines, prior_resistance, lineage_class, therapy_class
  (TXR1i or non_TXR1), assessed16 (week-16 visit assessable), benefit16 (blank when not assessed),
  tox_stop_8wk, time_zero_day.
- tumor_samples.tsv.gz — sample_id, patient_id, collection_day, purity, read_n50_kb, rin, qc_pass.
- longread_sv_calls.tsv.gz — tumour long-read SV calls: sample_id, sv_id, sv_class, chrom1, pos1, chrom2,
  pos2, alt_reads, total_reads, mapq, txr1_domain_overlap.
- tumor_expression.tsv.gz — sample_id, txr1_log2tpm, txr1_3p5p_ratio, dlr1_log2tpm.
- germline_pgx.tsv.gz — patient_id, dlr1_diplotype, dlr1_sv_bp1, dlr1_sv_bp2 (breakpoints of a germline
  DLR1 structural allele, if any), lab_phenotype.
- dlr1_allele_table.tsv.gz — allele, function_value, structural. DLR1 activity score = sum of the two
  alleles' function values; phenotype: activity ≥ 1.5 normal (NM), 0.5–1 intermediate (IM), 0 poor (PM).

Definitions and units. All quantities except the code are in percentage points. Positive benefit means
TXR1i is better. Net clinical utility = benefit risk difference (pp) − 0.35 × toxicity risk (pp).
therapy_class_code = 1 if TXR1i has positive net clinical utility, otherwise 0.

Report:
- therapy_class_code (int)
- benefit_rd_pp (float)
- toxicity_dropout_risk_pp (float)
- net_clinical_utility_pp (float)

The data are simulated: the drug's benefit, the comparator's efficacy, the toxicity and the make-up of
the registry are set afresh for each data set and need not match any real therapy (the benefit difference
can be negative); estimate them from these files.

Analyse the files rigorously: your reasoning and quality control are graded, not only the numbers.
Reply with exactly one JSON object — no markdown fences, no text before or after it, no key omitted:
{"answer": {"therapy_class_code": <int>, "benefit_rd_pp": <float>, "toxicity_dropout_risk_pp": <float>, "net_clinical_utility_pp": <float>}, "reasoning": "<method and QC>"}`;
