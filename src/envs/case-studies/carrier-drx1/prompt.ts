// Task text for case 4, in our own words; keeps every definition, convention and unit of the spec.

export const carrierPrompt = `You are analysing a simulated clinical-genomics data set; treat it exactly as you would real
data. DRX1 is an autosomal recessive gene with a near-identical pseudogene, DRX1P. A person is a DRX1
carrier when one of their two chromosomes carries a DRX1 loss-of-function allele: a deleted copy
(genotype 1+0), a chromosome with two DRX1 copies opposite one with none (2+0, a "silent" carrier whose
total copy number is normal), or a pathogenic or likely pathogenic SNV/indel. The DRX1 screen reports
a person as positive when exon-7 copy number is 1 (or less) or when a pathogenic or likely pathogenic
SNV/indel target is called; variants of uncertain significance, the paralogous-sequence-variant (PSV)
target and the duplication-linked marker are not part of the screen result. A negative screen is a
QC-passing test with neither finding.

Files in your workspace (tab-separated, gzip-compressed):
- cohort_roster.tsv.gz — one row per adult: sample_id, collection (screening = population carrier
  screening; cascade = relatives tested because a family member is a known carrier; research), ancestry
  (AFR, EUR, EAS, OTH), family_history_tier (0 none, 1 distant, 2 close family history of the disease).
- partner_roster.tsv.gz — reproductive partners: partner_id, ancestry, family_history_tier, tested
  (1 if the partner was assayed), sample_id (the partner's assay sample when tested, empty otherwise).
  Partners come from the same source population as the screening roster: carrier frequency by ancestry
  and family-history tier is the same in both. Which partners were tested was not random.
- calibration_controls.tsv.gz — truth-labelled controls run on the same assay: sample_id, ancestry,
  truth_configuration (1+1 and 2+1 are non-carriers; 1+0, 2+0 and snv_het are carriers), truth_carrier
  (1/0), truth_method. Within each ancestry the carrier controls were collected without regard to their
  screening result, so their mix of carrier types reflects that ancestry's carrier population.
- target_metadata.tsv.gz — the ten assay targets: target_id, target_type (CN_exon7, CN_exon8, SNV,
  INDEL, PSV, DUP_LINK_MARKER), hgvs, founder_haplotype (label of a known founder haplotype the site
  lies on, or empty), paralog_specific (1 if every read at the site can be assigned to DRX1; 0 if reads
  from DRX1 and DRX1P both align there), classification.
- assay_observations.tsv.gz — one row per sample and target: sample_id, target_id, depth_ratio (copy-
  number targets: read depth relative to a two-copy reference), alt_reads and total_reads (all reads
  aligned at the site), specific_alt_reads and specific_total_reads (only reads assignable to DRX1),
  qc_flag (PASS or FAIL; failed samples have no usable measurements). Samples come from the cohort
  roster, tested partners and the controls.

Report, as probabilities (not percentages):
- carrier_frequency_afr (float): DRX1 carrier frequency among screening-roster adults of AFR ancestry
  (collection = screening, whether or not their test passed QC).
- carrier_frequency_eur (float): the same for EUR screening-roster adults.
- residual_carrier_risk_afr_negative (float): the probability that an AFR screening-roster adult whose
  DRX1 screen is negative is nevertheless a carrier.
- partner_carrier_frequency_full_roster (float): the probability that a partner drawn uniformly from all
  rows of the partner roster (tested or not) is a carrier.
- couple_reproductive_risk (float): the probability of an affected conceptus when the index is an AFR
  screening-roster adult with a negative screen and the partner is drawn uniformly from the partner
  roster (autosomal recessive: 1/4 when both parents are carriers).

Be alert to: how people entered each roster, ancestry differences in assay behaviour, the pseudogene,
variants that travel together on one haplotype, carriers the screen cannot see, and which partners were
tested.

The data are simulated. Carrier frequencies, the mix of carrier types, the family-history effect and
the assay's behaviour are set afresh for each data set and need not match any real gene; estimate them
from these files, not from published figures. Unlike a real population screening programme, both
rosters hold many people with a family history (about a quarter of screening adults report a close
family history).

Analyse the files rigorously: your reasoning and quality control are graded, not only the numbers.
Reply with exactly one JSON object — no markdown fences, no text before or after it, no key omitted:
{"answer": {"carrier_frequency_afr": <float>, "carrier_frequency_eur": <float>, "residual_carrier_risk_afr_negative": <float>, "partner_carrier_frequency_full_roster": <float>, "couple_reproductive_risk": <float>}, "reasoning": "<method and QC>"}`;
