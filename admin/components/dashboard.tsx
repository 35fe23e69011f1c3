import React, { useEffect, useState } from 'react';
import { Badge, Box, H2, H5, Link, Loader, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';
import type { Dashboard as Data } from '../dashboard.ts';
import { formatMoney } from './money.ts';

const api = new ApiClient();
const recordUrl = (resource: string, id: string, action = 'show') => `/admin/resources/${resource}/records/${id}/${action}`;

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Box variant="container" m="default" p="xl" flex={1} minWidth={280}>
      <H5 mb="lg">{title}</H5>
      {children}
    </Box>
  );
}

/** Revenue per day as bars (inline SVG: no chart library to ship). */
function RevenueChart({ currency, days }: Data['dailyRevenue'][number]) {
  const width = 720;
  const height = 160;
  const margin = 20; // room for the first and last day's label
  const top = Math.max(1, ...days.map((d) => d.revenueMinor));
  const step = width / days.length;
  return (
    <svg viewBox={`${-margin} 0 ${width + 2 * margin} ${height + 24}`} width="100%" height={240} role="img" aria-label={`Revenue per day in ${currency}`}>
      {days.map((d, i) => {
        const barHeight = Math.round((d.revenueMinor / top) * height);
        return (
          <g key={d.day}>
            <rect x={i * step + 2} y={height - barHeight} width={step - 4} height={Math.max(barHeight, 1)} fill="#4268F6" rx={2}>
              <title>{`${d.day}: ${formatMoney(d.revenueMinor, currency)} from ${d.orders} order(s)`}</title>
            </rect>
            {i % 5 === 0 || i === days.length - 1 ? (
              <text x={i * step + step / 2} y={height + 16} fontSize={11} textAnchor="middle" fill="#898A9A">
                {d.day.slice(5)}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

/** The panel's home: what sold, what waits to ship, what runs out. */
const Dashboard: React.FC = () => {
  const [data, setData] = useState<Data>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    api
      .getDashboard<Data>()
      .then((response) => setData(response.data))
      .catch(() => setFailed(true));
  }, []);
  if (failed)
    return (
      <Box p="xl">
        <Text>The dashboard could not be loaded; reload the page to try again.</Text>
      </Box>
    );
  if (!data) return <Loader />;
  return (
    <Box p="lg" data-testid="dashboard">
      <H2 mx="default">Shop today</H2>
      <Box flex flexWrap="wrap">
        <Card title="Revenue (paid orders, UTC days)">
          {data.revenue.length === 0 ? <Text>No paid orders in the last 30 days</Text> : null}
          {data.revenue.map((r) => (
            <Table key={r.currency} mb="lg">
              <TableBody>
                <TableRow>
                  <TableCell>Today</TableCell>
                  <TableCell data-testid={`revenue-today-${r.currency}`}>{formatMoney(r.todayMinor, r.currency)}</TableCell>
                </TableRow>
                <TableRow>
                  <TableCell>Last 7 days</TableCell>
                  <TableCell>{formatMoney(r.last7DaysMinor, r.currency)}</TableCell>
                </TableRow>
                <TableRow>
                  <TableCell>Last 30 days</TableCell>
                  <TableCell>{formatMoney(r.last30DaysMinor, r.currency)}</TableCell>
                </TableRow>
              </TableBody>
            </Table>
          ))}
        </Card>
        <Card title="Orders by status">
          <Box flex flexWrap="wrap">
            {data.ordersByStatus.map((s) => (
              <Box key={s.status} mr="lg" mb="lg">
                <Badge variant={s.status === 'PAID' ? 'primary' : 'light'}>{s.status}</Badge>{' '}
                <Text as="span" fontWeight="bold">
                  {s.count}
                </Text>
              </Box>
            ))}
          </Box>
        </Card>
        <Card title="Background jobs (last 24 hours)">
          <Box flex flexWrap="wrap" data-testid="background-jobs">
            {data.backgroundJobs.map((j) => (
              <Box key={j.state} mr="lg" mb="lg">
                <Badge variant={j.state === 'failed' && j.count > 0 ? 'danger' : 'light'}>{j.state}</Badge>{' '}
                <Text as="span" fontWeight="bold" data-testid={`jobs-${j.state}`}>
                  {j.count}
                </Text>
              </Box>
            ))}
          </Box>
          <Link href="/admin/resources/BackgroundJob">Failed and retrying jobs</Link>
        </Card>
      </Box>
      <Card title="Discount codes (uses, and revenue of paid orders)">
        {data.discountCodes.length === 0 ? (
          <Text>No discount codes yet</Text>
        ) : (
          <Table data-testid="discount-codes">
            <TableHead>
              <TableRow>
                <TableCell>Code</TableCell>
                <TableCell>Uses</TableCell>
                <TableCell>Revenue</TableCell>
                <TableCell>Discounted</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.discountCodes.map((c) => (
                <TableRow key={`${c.code}-${c.currency ?? ''}`}>
                  <TableCell>
                    {c.code}
                    {c.active ? '' : ' (inactive)'}
                  </TableCell>
                  <TableCell data-testid={`discount-uses-${c.code}`}>{c.uses}</TableCell>
                  <TableCell>{c.currency ? formatMoney(c.revenueMinor, c.currency) : '—'}</TableCell>
                  <TableCell>{c.currency ? formatMoney(c.discountMinor, c.currency) : '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
      <Card title="Revenue per day, last 30 days">
        {data.dailyRevenue.length === 0 ? <Text>No paid orders in the last 30 days</Text> : null}
        {data.dailyRevenue.map((series) => (
          <Box key={series.currency} mb="lg">
            <Text mb="sm">{series.currency}</Text>
            <RevenueChart {...series} />
          </Box>
        ))}
      </Card>
      <Box flex flexWrap="wrap">
        <Card title={`Waiting to ship (${data.awaitingShipment.count})`}>
          {data.awaitingShipment.oldest.length === 0 ? (
            <Text>Nothing waiting</Text>
          ) : (
            <Table>
              <TableHead>
                <TableRow>
                  <TableCell>Order</TableCell>
                  <TableCell>Customer</TableCell>
                  <TableCell>Total</TableCell>
                  <TableCell>Paid</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.awaitingShipment.oldest.map((o) => (
                  <TableRow key={o.id}>
                    <TableCell>
                      <Link href={recordUrl('Order', o.id)}>{`#${o.number}`}</Link>
                    </TableCell>
                    <TableCell>{o.customer ?? ''}</TableCell>
                    <TableCell style={{ whiteSpace: 'nowrap' }}>{formatMoney(o.totalMinor, o.currency)}</TableCell>
                    <TableCell>{o.paidAt ? new Date(o.paidAt).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' }) : ''}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>
        <Card title="Low stock (per variant, at or below its threshold first)">
          <Text
            mb="lg"
            data-testid="stock-summary"
          >{`${data.stock.variants} variants for sale: ${data.stock.outOfStock} out of stock, ${data.stock.low} low (${data.stock.units} units in all)`}</Text>
          <Table>
            <TableHead>
              <TableRow>
                <TableCell>SKU</TableCell>
                <TableCell>Variant</TableCell>
                <TableCell>Stock</TableCell>
                <TableCell>Low at</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.lowestStock.map((v) => (
                <TableRow key={v.id} data-testid={`low-stock-${v.sku}`}>
                  <TableCell>
                    <Link href={recordUrl('ProductVariant', v.id, 'edit')}>{v.sku}</Link>
                  </TableCell>
                  <TableCell>
                    <Link href={recordUrl('Product', v.productId)}>{v.title}</Link>
                  </TableCell>
                  <TableCell>
                    <Badge variant={v.stock === 0 ? 'danger' : v.stock <= v.threshold ? 'primary' : 'light'}>{v.stock}</Badge>
                  </TableCell>
                  <TableCell>{v.threshold}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      </Box>
    </Box>
  );
};

export default Dashboard;
