import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { istioCertificateRefreshPermission } from '@meshdeck/plugin-istio-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { useState } from 'react';
import { CertificateRefreshRequest, istioApiRef } from '../../api';

/**
 * "Refresh certificate": asks external-secrets to re-sync the gateway
 * certificate now. Hidden without `istio.certificate.refresh` on the entity;
 * asks for confirmation before acting.
 */
export function RefreshCertificateButton(props: {
  request: CertificateRefreshRequest;
  onRefreshed?: () => void;
}) {
  const { request, onRefreshed } = props;
  const istioApi = useApi(istioApiRef);
  const alertApi = useApi(alertApiRef);
  const { allowed, loading } = usePermission({
    permission: istioCertificateRefreshPermission,
    resourceRef: request.entityRef,
  });
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);

  if (loading || !allowed) {
    return null;
  }
  const refresh = async () => {
    setBusy(true);
    try {
      await istioApi.refreshCertificate(request);
      alertApi.post({
        message: `Refresh requested: external-secrets will re-sync ${request.namespace}/${request.externalSecret} now.`,
        severity: 'success',
        display: 'transient',
      });
      onRefreshed?.();
    } catch (e) {
      alertApi.post({
        message: `Could not refresh ${request.namespace}/${
          request.externalSecret
        }: ${(e as Error).message}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        color="primary"
        onClick={() => setOpen(true)}
      >
        Refresh certificate
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)}>
        <DialogTitle>Refresh the certificate now?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            This sets <code>force-sync</code> on ExternalSecret{' '}
            <strong>
              {request.namespace}/{request.externalSecret}
            </strong>{' '}
            in cluster <strong>{request.cluster}</strong>. external-secrets then
            reads the certificate from its store and rewrites the gateway
            secret; the gateway serves the new certificate within seconds.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={busy}>
            Cancel
          </Button>
          <Button
            onClick={refresh}
            color="primary"
            variant="contained"
            disabled={busy}
          >
            Refresh
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
