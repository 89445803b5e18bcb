import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

/**
 * A section without rows: what that means, or, when the filters hid every
 * row, that they did.
 */
export function SectionEmpty(props: {
  title: string;
  text: string;
  filtered: boolean;
}) {
  return (
    <InfoCard title={props.title}>
      <Typography variant="body2" data-testid="section-empty">
        {props.filtered ? 'Nothing here matches the filters.' : props.text}
      </Typography>
    </InfoCard>
  );
}
