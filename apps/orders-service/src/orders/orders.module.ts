import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { CatalogModule } from '../catalog/catalog.module';
import { ORDERS_CONFIG } from '../config/orders.config';
import type { OrdersConfig } from '../config/orders.config';
import { ORDERS_REDIS, RedisModule } from '../redis/redis.module';
import { OrderRateLimiter } from './order-rate-limiter';
import { Order } from './order.entity';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

@Module({
  imports: [TypeOrmModule.forFeature([Order]), CatalogModule, RedisModule],
  controllers: [OrdersController],
  providers: [
    OrdersService,
    {
      provide: OrderRateLimiter,
      inject: [ORDERS_CONFIG, ORDERS_REDIS],
      useFactory: (config: OrdersConfig, redis: Redis | null) =>
        new OrderRateLimiter(
          { ...config.orderRateLimit, redisPrefix: config.guard.revocation?.keyPrefix },
          redis,
        ),
    },
  ],
})
export class OrdersModule {}
