import { SUMMARY_MAX, suggestArguments } from '../../server/review/findings.suggest';

/** The suggested split of a response's argument on the vendor's own numbering (findings.suggest.ts). */
describe('suggestArguments', () => {
  it('when the argument is numbered "1." "2." "3.", then each number opens one argument with its text, continuation lines joined', () => {
    const text = [
      'Kaspersky Lab submits the following arguments.',
      '',
      '1. The Directive rests on no evidence that our products were',
      '   used to compromise any federal system.',
      '2. The Department gave us no notice and no chance to answer',
      'before the Directive issued, contrary to the Fifth Amendment.',
      '3. The removal deadline of 90 days is arbitrary.',
    ].join('\n');

    expect(suggestArguments(text)).toEqual([
      { number: 1, summary: 'The Directive rests on no evidence that our products were used to compromise any federal system.' },
      { number: 2, summary: 'The Department gave us no notice and no chance to answer before the Directive issued, contrary to the Fifth Amendment.' },
      { number: 3, summary: 'The removal deadline of 90 days is arbitrary.' },
    ]);
  });

  it('when the numbering uses "1)" or "(1)" and CRLF line ends, then it splits the same way', () => {
    expect(suggestArguments('1) No evidence.\r\n2) No notice.')).toEqual([{ number: 1, summary: 'No evidence.' }, { number: 2, summary: 'No notice.' }]);
    expect(suggestArguments('  (1) No evidence.\n  (2) No notice.')).toEqual([{ number: 1, summary: 'No evidence.' }, { number: 2, summary: 'No notice.' }]);
  });

  it('when there is no numbering, then the whole text is one argument numbered 1; empty text gives none', () => {
    expect(suggestArguments('We object to the Directive as a whole.\nIt is unlawful.')).toEqual([{ number: 1, summary: 'We object to the Directive as a whole. It is unlawful.' }]);
    expect(suggestArguments('')).toEqual([]);
    expect(suggestArguments('  \n\t\n')).toEqual([]);
  });

  it('when the vendor skips numbers, then the gaps are kept and the vendor\'s numbers stand', () => {
    expect(suggestArguments('1. First.\n2. Second.\n4. Fourth.')).toEqual([
      { number: 1, summary: 'First.' }, { number: 2, summary: 'Second.' }, { number: 4, summary: 'Fourth.' },
    ]);
  });

  it('when numbers appear inside sentences, as section numbers or years, then they do not split', () => {
    const text = [
      '1. Under section 2. of the Directive, agencies had 30 days. See also 3) below',
      'and paragraph (4) of the notice; 1.1 is a sub-point, not an argument.',
      '2017. was the year the Directive issued.',
      '2. The notice cited 5. sources, none about us.',
    ].join('\n');

    expect(suggestArguments(text).map((a) => a.number)).toEqual([1, 2]);
    expect(suggestArguments(text)[0]!.summary).toContain('1.1 is a sub-point');
    expect(suggestArguments(text)[0]!.summary).toContain('2017. was the year');
  });

  it('when an argument holds its own nested "1. 2." list, then the restart stays inside that argument', () => {
    const text = '1. No evidence.\n2. No notice, because:\n   1. no letter came;\n   2. no call came.\n3. Arbitrary deadline.';

    expect(suggestArguments(text)).toEqual([
      { number: 1, summary: 'No evidence.' },
      { number: 2, summary: 'No notice, because: 1. no letter came; 2. no call came.' },
      { number: 3, summary: 'Arbitrary deadline.' },
    ]);
  });

  it('when an argument is longer than a summary may be, then its summary is cut to the limit', () => {
    const [first] = suggestArguments(`1. ${'word '.repeat(1000)}`);
    expect(first!.summary).toHaveLength(SUMMARY_MAX);
    expect(first!.summary.endsWith('…')).toBe(true);
  });
});
