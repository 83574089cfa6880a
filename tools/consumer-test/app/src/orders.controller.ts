import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';

/** The service's own input: a plain class, no validation decorators, fields no library knows. */
export class CreateOrderDto {
  sku!: string;
  quantity!: number;
  note?: string;
}

@Controller('orders')
export class OrdersController {
  @Post()
  @HttpCode(201)
  create(@Body() body: CreateOrderDto): {
    order_id: string;
    sku: string;
    quantity: number;
    note: string | null;
  } {
    return { order_id: 'ord-1', sku: body.sku, quantity: body.quantity, note: body.note ?? null };
  }

  @Get(':id')
  find(@Param('id') id: string): never {
    // The service's own 404 body, not Nest's default one.
    throw new NotFoundException({ code: 'ORDER_NOT_FOUND', order: id });
  }
}
