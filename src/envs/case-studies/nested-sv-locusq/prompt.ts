// Task text for case 6, in our own words; keeps every definition, convention and answer key.

export const locusQPrompt = `You are analysing a simulated structural-genetics data set; treat it exactly as you would real
data. At Locus Q a large outer inversion (orientation I) can carry, nested inside it, zero, one or
two copies of a segment called B; segment B occurs only on inverted haplotypes. The question is
whether the calibrated segment-B copy dosage itself — kept separate from the broader
outer-orientation dosage — is associated with disease in the source population, and whether
expression data support a target gene for it.

Files in your workspace:
- cohort.tsv.gz — 24,000 sampled people: sample_id, case (1 = case, 0 = control), age (years),
  age_band, sex (1 = male, 0 = female), pc1, pc2, pc3 (genetic principal components),
  ancestry_group, clinic_stratum, recruitment_stream.
- sampling_design.tsv.gz — how the cohort was drawn from the source population: for each
  clinic_stratum × recruitment_stream × case cell, n_source (people in the source population) and
  n_sampled (people in this cohort).
- locus_q_dosage.tsv.gz — per cohort sample: seq_batch (sequencing batch), segB_depth_ratio (read
  depth over segment B relative to flanking sequence; not a copy number), outer_inv_dosage
  (imputed dosage of the inverted outer orientation, 0–2) and outer_inv_info (its imputation
  quality).
- breakpoint_panel.tsv.gz — breakpoint-resolved calls on a subset of the cohort: sample_id,
  method, outer_orientation (REF/REF, REF/INV, INV/INV), segB_copies, spanning_reads, call_qual
  (PASS or LOWQ), array_concordance (ok or mismatch with the genotyping array). Some samples
  were called more than once. The panel was not a random subset of the cohort.
- expression.tsv.gz — RNA-seq counts for genes QG1, QG2 and QG3 in 5,000 cohort samples (long
  format): sample_id, rna_batch, gene, count, library_size.

Report:
- subhap_log_or (float): the natural-log odds ratio for case status per extra calibrated
  segment-B copy, as a total effect in the source population (not in the sampled cohort), using
  the full cohort.
- expression_log_fc (float): the natural-log expression fold-change per calibrated segment-B copy
  for the gene whose expression is supported as responding to segment B.
- target_support_code (int): 1 if that gene's expression_log_fc > 0 and the association is
  protective (subhap_log_or < 0); otherwise 0.
- n_calibrated_carriers (int): the number of reliable breakpoint-panel samples carrying at least
  one segment-B copy. A call is reliable when call_qual is PASS and array_concordance is ok; count
  each sample once (a sample counts if any of its reliable calls shows ≥ 1 copy).

Be alert to: what the depth ratio does and does not measure, differences between sequencing
batches, the nesting of segment B inside the outer inversion, how the cohort and the panel were
sampled, and what expression can and cannot tell you about a structural allele. Report the
fitted per-copy effects themselves, not only their direction.

The data are simulated: effect sizes and directions, batch behaviour and sampling rates are set
afresh for each data set (per-copy odds ratios here can be as large as those of the strongest known
structural risk alleles); estimate them from these files.

Analyse the files rigorously: your reasoning and quality control are graded, not only the numbers.
Reply with exactly one JSON object — no markdown fences, no text before or after it, no key omitted:
{"answer": {"n_calibrated_carriers": <int>, "target_support_code": <int>, "expression_log_fc": <float>, "subhap_log_or": <float>}, "reasoning": "<method and QC>"}`;
