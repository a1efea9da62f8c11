/** The statement a filer accepts and signs with a typed name (shown verbatim on the review page). */
export const CERTIFICATION_STATEMENT =
  'I certify that this submission and its attachments are true, complete and correct to the best of my knowledge '
  + 'and belief, and that I am authorized to submit it on behalf of the organization named. I understand that '
  + 'knowingly and willfully making a materially false, fictitious or fraudulent statement or representation to a '
  + 'federal agency is punishable under 18 U.S.C. 1001.';

export const CERTIFICATION_VERSION = 1;
