export { maxQuantityPerProduct, productIdSchema, quantitySchema, userIdSchema } from '@meshlab/common';
