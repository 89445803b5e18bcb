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
  // one child: the status components lay their children out as flex items
  const text = <span>{props.children}</span>;
  switch (props.tone) {
    case 'ok':
      return <StatusOK>{text}</StatusOK>;
    case 'warning':
      return <StatusWarning>{text}</StatusWarning>;
    case 'error':
      return <StatusError>{text}</StatusError>;
    default:
      return <StatusPending>{text}</StatusPending>;
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
