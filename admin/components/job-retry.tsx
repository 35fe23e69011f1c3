import React from 'react';
import { Box, Button, Text } from '@adminjs/design-system';
import type { ActionProps } from 'adminjs';
import { useRecordAction } from './use-record-action.ts';

/** Retry on a failed job: what failed and why, then a confirmation sent as a POST (a link never retries). */
const JobRetry: React.FC<ActionProps> = (props) => {
  const { record } = props;
  const { busy, submit } = useRecordAction(props);
  if (!record) return null;

  const { queue, state, attempts, error } = record.params;
  return (
    <Box as="form" onSubmit={submit} variant="container" data-testid="job-retry">
      <Text mb="lg">{`A ${queue} job, ${state} after ${attempts} attempts`}</Text>
      {error ? (
        <Text mb="lg" style={{ fontFamily: 'monospace' }}>
          {error}
        </Text>
      ) : null}
      <Text mb="xl" fontWeight="bold">
        Run this job again? It gets one more attempt, on the next free worker of its queue.
      </Text>
      <Button type="submit" variant="contained" disabled={busy}>
        Retry job
      </Button>
    </Box>
  );
};

export default JobRetry;
