import React from 'react';
import { Box, Button, Text } from '@adminjs/design-system';
import type { ActionProps } from 'adminjs';

/** Export CSV on the products list: the whole catalog as one CSV download, and the way back in. */
const ProductExport: React.FC<ActionProps> = ({ action }) => {
  const { exportUrl, importsUrl } = action.custom as { exportUrl: string; importsUrl: string };
  return (
    <Box variant="container" data-testid="product-export">
      <Text mb="lg">
        Every product with its variants, one row per variant (SKU, prices in cents, stock, option values). Edit it in a spreadsheet and import it back.
      </Text>
      <Box flex style={{ gap: 16 }}>
        <Button as="a" href={exportUrl} download variant="contained">
          Download CSV
        </Button>
        <Button as="a" href={importsUrl} variant="outlined">
          Import a CSV
        </Button>
      </Box>
    </Box>
  );
};

export default ProductExport;
