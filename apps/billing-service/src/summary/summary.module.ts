import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { SummaryController } from './summary.controller';
import { SummaryService } from './summary.service';

@Module({
  imports: [OrdersModule],
  controllers: [SummaryController],
  providers: [SummaryService],
})
export class SummaryModule {}
