import {
  conditionHealthy,
  conditionProblem,
  conditionProblemIsWarning,
} from './conditions';

const c = (type: string, status: string) => ({ type, status });

describe('Gateway API conditions', () => {
  it('reads positive conditions as healthy when True, negative ones when False', () => {
    expect(conditionHealthy(c('Accepted', 'True'))).toBe(true);
    expect(conditionHealthy(c('Programmed', 'False'))).toBe(false);
    expect(conditionHealthy(c('Conflicted', 'False'))).toBe(true);
    expect(conditionHealthy(c('Conflicted', 'True'))).toBe(false);
    expect(conditionHealthy(c('PartiallyInvalid', 'False'))).toBe(true);
  });

  it('judges judged positive conditions set to False and negative ones set to True', () => {
    expect(conditionProblem(c('ResolvedRefs', 'False'))).toBe(true);
    expect(conditionProblem(c('Conflicted', 'True'))).toBe(true);
    expect(conditionProblem(c('Conflicted', 'False'))).toBe(false);
    // not decided yet, or a type the status does not judge
    expect(conditionProblem(c('Programmed', 'Unknown'))).toBe(false);
    expect(conditionProblem(c('SomethingElse', 'False'))).toBe(false);
  });

  it('calls traffic-serving problems warnings', () => {
    expect(conditionProblemIsWarning(c('OverlappingTLSConfig', 'True'))).toBe(
      true,
    );
    expect(conditionProblemIsWarning(c('Conflicted', 'True'))).toBe(false);
  });
});
