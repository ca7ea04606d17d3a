/**
 * The tutorial's TransactionListener ("TransactionListenerImpl"): the local transaction of a
 * TagA message commits, of a TagB message rolls back, and of a TagC message stays unknown, so
 * the broker checks it back later; the check answers commit. Consumers therefore get TagA and
 * TagC, never TagB. Used by transaction-producer.ts.
 */
import { LocalTransactionState, type Message, type MessageExt, type TransactionListener } from 'petrel';

export class TransactionListenerImpl implements TransactionListener {
  executeLocalTransaction(message: Message, _arg: unknown): LocalTransactionState {
    console.log(`local transaction of ${message.tags} (transactionId=${message.transactionId})`);
    switch (message.tags) {
      case 'TagA':
        return LocalTransactionState.COMMIT_MESSAGE;
      case 'TagB':
        return LocalTransactionState.ROLLBACK_MESSAGE;
      default:
        return LocalTransactionState.UNKNOW;
    }
  }

  checkLocalTransaction(message: MessageExt): LocalTransactionState {
    console.log(`broker checked the local transaction of ${message.tags} (transactionId=${message.transactionId}): COMMIT_MESSAGE`);
    return LocalTransactionState.COMMIT_MESSAGE;
  }
}
