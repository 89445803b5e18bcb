import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { CertificateStatus } from '@meshdeck/plugin-istio-common';
import {
  checkoutCluster,
  meshStatus,
  syncFailingRenewedCertificate,
} from '../../__fixtures__/meshStatus';
import {
  BACKEND,
  renderWithBackend,
} from '../../__testUtils__/renderWithBackend';
import { acmStalenessNote } from './CertificatesPanel';
import { EntityIstioContent } from './EntityIstioContent';

const server = setupServer();
registerMswTestHooks(server);

/** The backend answers with one certificate whose ACM side is `acm`. */
function answerWithAcm(acm: CertificateStatus['acm']) {
  const certificate = { ...syncFailingRenewedCertificate(), acm };
  server.use(
    rest.get(`${BACKEND}/v1/status`, (_req, res, ctx) =>
      res(
        ctx.json(
          meshStatus([{ ...checkoutCluster(), certificates: [certificate] }]),
        ),
      ),
    ),
  );
  return certificate.acm!;
}

async function acmSource() {
  await screen.findAllByTestId('certificate-sources', {}, { timeout: 5000 });
  return screen.getByText('AWS Certificate Manager').parentElement!;
}

describe('the certificate row', () => {
  it('says when the ACM data is from and why it is not fresh, as the backend answers', async () => {
    const acm = answerWithAcm({
      ...syncFailingRenewedCertificate().acm!,
      stale: true,
      staleness: {
        since: '2026-11-27T09:15:42.120Z',
        reason: 'unreachable',
        message: 'AggregateError: ECONNREFUSED',
      },
    });
    await renderWithBackend(<EntityIstioContent />);

    const source = await acmSource();
    const note = screen.getByTestId('certificate-acm-stale');
    expect(note).toHaveTextContent(
      'ACM data from 2026-11-27 09:15 UTC, ACM unreachable',
    );
    expect(note).toHaveAttribute('title', 'AggregateError: ECONNREFUSED');
    expect(source).toContainElement(note);
    // the last good answer itself is still shown
    expect(source).toHaveTextContent(`ARN${acm.arn}`);
    expect(source).toHaveTextContent('Serial0d:3e:4f');
  });

  it('shows no note for a fresh ACM answer', async () => {
    answerWithAcm(syncFailingRenewedCertificate().acm);
    await renderWithBackend(<EntityIstioContent />);
    const source = await acmSource();
    expect(source).toHaveTextContent('StatusISSUED');
    expect(screen.queryByTestId('certificate-acm-stale')).toBeNull();
  });

  it('words each reason, and an older backend’s bare stale flag', () => {
    const acm = syncFailingRenewedCertificate().acm!;
    const since = '2026-11-27T09:15:00Z';
    expect(
      acmStalenessNote({
        ...acm,
        stale: true,
        staleness: { since, reason: 'throttled' },
      }),
    ).toBe('ACM data from 2026-11-27 09:15 UTC, ACM throttling');
    expect(
      acmStalenessNote({
        ...acm,
        stale: true,
        staleness: { since, reason: 'unavailable' },
      }),
    ).toBe('ACM data from 2026-11-27 09:15 UTC, ACM unavailable');
    expect(
      acmStalenessNote({
        ...acm,
        stale: true,
        staleness: { since: 'yesterday', reason: 'melted' },
      }),
    ).toBe('ACM data from yesterday, ACM melted');
    expect(acmStalenessNote({ ...acm, stale: true })).toBe(
      'last known answer (ACM did not answer now)',
    );
    expect(acmStalenessNote(acm)).toBeUndefined();
  });
});
