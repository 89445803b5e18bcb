import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { Verdict } from '@meshdeck/plugin-istio-common';
import { Tone } from './meshSummary';

const TEXT: Record<Verdict, string> = {
  healthy: 'Healthy',
  warning: 'Warning',
  critical: 'Critical',
  unknown: 'Unknown',
};

/** A status light with text; colour is never the only signal. */
export function ToneText(props: { tone: Tone; children: React.ReactNode }) {
  switch (props.tone) {
    case 'ok':
      return <StatusOK>{props.children}</StatusOK>;
    case 'warning':
      return <StatusWarning>{props.children}</StatusWarning>;
    case 'error':
      return <StatusError>{props.children}</StatusError>;
    default:
      return <StatusPending>{props.children}</StatusPending>;
  }
}

/** The entity's verdict: healthy, warning, critical (or unknown). */
export function VerdictBadge(props: { verdict: Verdict }) {
  const tone: Record<Verdict, Tone> = {
    healthy: 'ok',
    warning: 'warning',
    critical: 'error',
    unknown: 'neutral',
  };
  return (
    <span data-testid="mesh-verdict">
      <ToneText tone={tone[props.verdict]}>{TEXT[props.verdict]}</ToneText>
    </span>
  );
}
