// Task text for case 3, in our own words; keeps every definition, convention and unit.

export const mvmrPrompt = `You are analysing a simulated statistical-genetics data set; treat it exactly as you would real
data. Two proteins, PROTA and PROTB, are encoded at one genomic locus and share genetic regulation.
Estimate, by cis multivariable Mendelian randomisation, the direct causal effect of each protein on a
binary disease, each conditional on the other protein.

Files in your workspace:
- prota_screening.tsv.gz, protb_screening.tsv.gz — protein association summary statistics from the
  screening (discovery) studies: snp, pos_bp, effect_allele, other_allele, maf, beta, se, pval, n,
  trait_unit.
- prota_replication.tsv.gz, protb_replication.tsv.gz — the same columns from independent, much larger
  replication studies of the same proteins.
- disease_gwas.tsv.gz — disease association: snp, pos_bp, effect_allele, other_allele, eaf
  (effect-allele frequency), beta_logodds, se, pval, n_cases, n_controls.
- locus_ld.npz — LD reference for the locus (NumPy .npz; reference panel of 2,000 people): R (float64,
  SNP × SNP correlation matrix, signed with respect to alt_allele), snp, alt_allele, ref_allele,
  alt_freq.
- protein_measurements.tsv.gz — individual protein measurement records from a population sample:
  sample_id, protein, platform, unit, value, below_lod (1 if the true value is below the assay's limit
  of detection; such records carry the limit itself as their value).

The protein scale is the population standard deviation of log10 concentration, i.e. over everyone
measured, including people whose concentration lies below the detection limit. The locus, its LD and
the effect sizes are simulated: the LD structure is stylised (one smooth decay along the locus) and the
studies are cleaner than real ones (one ancestry, no sample overlap between studies).

Report, on the same scale for both proteins:
- theta_PROTA (float): the direct effect of PROTA on disease, in log-odds per +1 SD of log10 protein
  concentration, conditional on PROTB.
- theta_PROTB (float): the direct effect of PROTB on disease, in log-odds per +1 SD of log10 protein
  concentration, conditional on PROTA.

Be alert to: the assay scale each file reports and values below the detection limit, allele
orientation across the files, winner's curse in instrument selection, the two proteins sharing
regulatory variants, and residual local pleiotropy.

Analyse the files rigorously: your reasoning and quality control are graded, not only the numbers.
Reply with exactly one JSON object — no markdown fences, no text before or after it, no key omitted:
{"answer": {"theta_PROTA": <float>, "theta_PROTB": <float>}, "reasoning": "<method and QC>"}`;
