import React, { useState } from 'react';
import { Box, Button, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';
import { useNavigate } from 'react-router';

const api = new ApiClient();

/** Retry on a failed job: what failed and why, then a confirmation sent as a POST (a link never retries). */
const JobRetry: React.FC<ActionProps> = ({ action, record, resource }) => {
  const [busy, setBusy] = useState(false);
  const addNotice = useNotice();
  const navigate = useNavigate();
  if (!record) return null;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const { data } = await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: action.name, data: {} });
      if (data.notice) addNotice(data.notice);
      if (data.redirectUrl) navigate(data.redirectUrl);
    } finally {
      setBusy(false);
    }
  };

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
