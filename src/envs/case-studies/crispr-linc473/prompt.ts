// Task text for case 2, in our own words; keeps every definition, convention and decision rule.

export const lincPrompt = `You are analysing a simulated functional-genomics data set; treat it exactly as you would real
experimental data. The question: is the growth phenotype seen when CRISPR interference (CRISPRi)
targets the promoter of the lncRNA program LINC473 caused by loss of the LINC473 transcript itself,
or by the genomic locus — in particular by repression of KIN1, the protein-coding gene that shares a
divergent promoter with LINC473? ANKRD42, a gene about 40 kb away, also appears in the data.

Files in your workspace (tab-separated, gzip-compressed):
- guides.tsv.gz — the guide library: guide_id, nominal_target, chr, coord, strand, dist_lnc_tss_bp,
  dist_neighbor_tss_bp (signed distance in bp to the LINC473 and KIN1 TSS), library_pool,
  n_offtarget, guide_gc_frac. Non-targeting controls (NTC) and safe-targeting controls are included.
- crispri_screen_counts.tsv.gz — pooled CRISPRi screen, sequencing read counts per guide:
  guide_id, replicate, day0_count, day10_count.
- guide_local_expression.tsv.gz — per guide and replicate, expression of LINC473_T1 (dominant
  transcript), LINC473_T2 (minor transcript), KIN1 and ANKRD42 relative to NTC guides (rel_expr_vs_ntc;
  1 = unchanged).
- casrx_followup.tsv.gz — CasRx transcript-targeting follow-up (RNA-level knockdown, no effect on the
  DNA locus), one row per well: casrx_guide_id, target_isoform (T1, T2 or NTC), plate, replicate,
  assay_day, kd_T1 and kd_KIN1 (fractional knockdown of LINC473 T1 and of KIN1 mRNA measured in the
  well), log2_growth (competitive growth of guide-carrying cells up to assay_day), gc.
- single_guide_growth.tsv.gz — arrayed single-guide growth follow-up, one row per well: guide_id (the
  guide the plate map intended), plate, well, replicate, seq_confirmed_guide (the guide found by
  sequencing the well), log2_growth_day10 (log2 of the well's day-10 over day-0 cell number, not yet
  relative to controls).

Conventions. Growth effects are log2(day10/day0) competitive growth relative to matched controls;
more negative means a stronger loss of fitness. The simulation is cleaner than a real screen: deep
read coverage, one cell line, and little guide-to-guide scatter beyond the measured knockdowns.

Report:
- lncrna_specific_lfc (float): the pooled-screen, matched-control, day-10 log2 growth effect expected at
  100% effective knockdown of the dominant LINC473 transcript, excluding any local DNA-locus effect:
  the effect of losing that transcript alone.
- neighbor_mediated_lfc (float): the growth effect on the same scale at 100% KIN1 repression in a local
  locus model, after accounting for the LINC473 knockdown that comes with it: the effect of KIN1
  repression alone, not of other genes repressed by the same guides or of the guides' presence at the
  locus.
- advance_target (int): 1 only if lncrna_specific_lfc ≤ −0.08 and neighbor_mediated_lfc > −0.25; else 0.

Analyse the files rigorously: your reasoning and quality control are graded, not only the numbers.
Reply with exactly one JSON object — no markdown fences, no text before or after it, no key omitted:
{"answer": {"advance_target": <int>, "lncrna_specific_lfc": <float>, "neighbor_mediated_lfc": <float>}, "reasoning": "<method and QC>"}`;
